/** Legend of the depth bands' marker colours. */
import { DEPTH_BANDS } from '../../../protocol/bands.ts';
import { SENSOR_BAND_COLORS, SENSOR_BAND_LABELS_ZH, type SensorBand } from '../sensors/sensor-state.ts';

const LEGEND_BANDS: readonly SensorBand[] = [...DEPTH_BANDS, 'nodata'];

/** The band legend shown over the map. */
export function BandLegend() {
  return (
    <section className="legend" aria-label="积水等级图例">
      <h2>
        积水等级<small>Depth bands</small>
      </h2>
      <ul>
        {LEGEND_BANDS.map((band) => (
          <li key={band} data-band={band}>
            <span className="swatch" style={{ background: SENSOR_BAND_COLORS[band] }} aria-hidden="true" />
            {SENSOR_BAND_LABELS_ZH[band]}
          </li>
        ))}
      </ul>
    </section>
  );
}
