/** Where a ticket is: coordinates and a small sketch of its position within Panyu. */

/** Panyu's rough bounding box, degrees: the sketch's frame. */
const BOX = { south: 22.86, north: 23.09, west: 113.25, east: 113.58 };

/** Coordinates plus a dot in a Panyu-sized frame. */
export function TicketLocation({ lat, lon, regionCode }: { lat: number; lon: number; regionCode: string }) {
  const x = Math.min(1, Math.max(0, (lon - BOX.west) / (BOX.east - BOX.west))) * 160;
  const y = Math.min(1, Math.max(0, (BOX.north - lat) / (BOX.north - BOX.south))) * 110;
  return (
    <div className="tk-location">
      <svg width="160" height="110" viewBox="0 0 160 110" role="img" aria-label={`位置 ${lat.toFixed(5)}, ${lon.toFixed(5)}`}>
        <rect x="0.5" y="0.5" width="159" height="109" rx="6" className="tk-map-frame" />
        <line x1={x} y1="0" x2={x} y2="110" className="tk-map-cross" />
        <line x1="0" y1={y} x2="160" y2={y} className="tk-map-cross" />
        <circle cx={x} cy={y} r="5" className="tk-map-dot" />
        <text x="6" y="104" className="tk-map-label">
          番禺区
        </text>
      </svg>
      <div>
        <div>
          纬度 {lat.toFixed(5)}，经度 {lon.toFixed(5)}
        </div>
        <small>
          网格/区划 {regionCode} · Lat/Lon (WGS-84)
        </small>
      </div>
    </div>
  );
}
