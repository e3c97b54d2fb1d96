/** Legend of the rain-intensity rings on the map. */
import { RAIN_CLASSES } from './rain-rings.ts';

/** The rain legend shown beside the depth-band legend. */
export function RainLegend() {
  return (
    <section className="legend rain-legend" aria-label="雨强图例">
      <h2>
        雨强<small>Rain mm/h</small>
      </h2>
      <ul>
        {RAIN_CLASSES.map((c) => (
          <li key={c.minMmPerH}>
            <span className="swatch ring" style={{ borderColor: c.color, background: `${c.color}55` }} aria-hidden="true" />
            {c.label}
          </li>
        ))}
      </ul>
    </section>
  );
}
