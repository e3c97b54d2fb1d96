/**
 * Adapter for a radar water-level gauge on Modbus RTU (the common wiring of road-flooding gauges:
 * RS-485 to a serial server or DTU, reached over TCP as "RTU over TCP").
 *
 * Register map (holding registers, function 0x03, from address 0x0000, 4 registers):
 *   0  air gap from the radar to the water or road surface, mm (uint16)
 *   1  status bits: bit0 echo lost, bit1 low battery
 *   2  supply voltage, 10 mV (uint16)
 *   3  temperature, 0.1 °C (int16)
 * Depth = mounting height − air gap (never below zero). A real deployment sets the mounting height
 * per spot; the register map is configurable for other models with the same framing.
 */
import net from 'node:net';
import type { SensorAdapter, SensorSample } from './adapter.ts';

/** CRC-16/MODBUS of a frame body (polynomial 0xA001 reflected, init 0xFFFF), little-endian on the wire. */
export function crc16Modbus(buf: Uint8Array): number {
  let crc = 0xffff;
  for (const b of buf) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** A Modbus RTU "read holding registers" request frame with its CRC. */
export function readHoldingRequest(unit: number, address: number, count: number): Buffer {
  const body = Buffer.from([unit, 0x03, address >> 8, address & 0xff, count >> 8, count & 0xff]);
  const crc = crc16Modbus(body);
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]);
}

/** Result of decoding a response frame. */
export type DecodeResult =
  | { ok: true; registers: number[] }
  | { ok: false; error: 'short-frame' | 'bad-crc' | 'wrong-unit' | 'wrong-function' | 'wrong-length' | 'exception'; exceptionCode?: number };

/** Decodes a "read holding registers" response; never throws. */
export function decodeReadHoldingResponse(frame: Uint8Array, unit: number, count: number): DecodeResult {
  if (frame.length < 5) return { ok: false, error: 'short-frame' };
  const crc = crc16Modbus(frame.subarray(0, frame.length - 2));
  if ((frame[frame.length - 2]! | (frame[frame.length - 1]! << 8)) !== crc) return { ok: false, error: 'bad-crc' };
  if (frame[0] !== unit) return { ok: false, error: 'wrong-unit' };
  if (frame[1] === 0x83) return { ok: false, error: 'exception', exceptionCode: frame[2] };
  if (frame[1] !== 0x03) return { ok: false, error: 'wrong-function' };
  if (frame[2] !== count * 2 || frame.length !== 5 + count * 2) return { ok: false, error: 'wrong-length' };
  const registers: number[] = [];
  for (let i = 0; i < count; i++) registers.push((frame[3 + 2 * i]! << 8) | frame[4 + 2 * i]!);
  return { ok: true, registers };
}

/** Converts the gauge's registers to a canonical sample. */
export function radarSample(registers: number[], mountHeightMm: number): SensorSample & { echoLost: boolean; temperatureC: number } {
  const [gap = 0, status = 0, supply = 0, tempRaw = 0] = registers;
  const temperatureC = (tempRaw >= 0x8000 ? tempRaw - 0x10000 : tempRaw) / 10;
  const volts = supply / 100;
  // A 12 V lead-acid supply: 11.0 V empty … 12.8 V full.
  const batteryPct = Math.max(0, Math.min(100, Math.round(((volts - 11) / 1.8) * 100)));
  return { depthMm: Math.max(0, mountHeightMm - gap), batteryPct, echoLost: (status & 1) === 1, temperatureC };
}

/** A request/response transport to the gauge (serial port, or RTU over TCP). */
export interface ModbusTransport {
  request(frame: Buffer, expectedLength: number, timeoutMs: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** RTU over TCP: raw RTU frames through a serial server at `host:port`. */
export function rtuOverTcp(host: string, port: number): ModbusTransport {
  let socket: net.Socket | undefined;
  const connect = () =>
    new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(s));
      s.once('error', reject);
      s.on('close', () => {
        if (socket === s) socket = undefined;
      });
    });
  return {
    async request(frame, expectedLength, timeoutMs) {
      socket ??= await connect();
      const s = socket;
      return new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let got = 0;
        const done = (err?: Error) => {
          clearTimeout(timer);
          s.off('data', onData);
          if (err) reject(err);
          else resolve(Buffer.concat(chunks));
        };
        const onData = (d: Buffer) => {
          chunks.push(d);
          got += d.length;
          // An exception reply is 5 bytes; a normal one `expectedLength`.
          if (got >= expectedLength || (got >= 5 && (chunks[0]![1]! & 0x80) !== 0)) done();
        };
        const timer = setTimeout(() => done(new Error(`no answer from the gauge within ${timeoutMs} ms`)), timeoutMs);
        s.on('data', onData);
        s.write(frame);
      });
    },
    async close() {
      socket?.destroy();
      socket = undefined;
    },
  };
}

/** Options of the radar adapter. */
export interface ModbusRadarOptions {
  transport: ModbusTransport;
  unit?: number;
  mountHeightMm: number;
  timeoutMs?: number;
}

/** The radar gauge as a sensor adapter. */
export function modbusRadarAdapter(opts: ModbusRadarOptions): SensorAdapter {
  const unit = opts.unit ?? 1;
  return {
    name: 'modbus-radar',
    async read(): Promise<SensorSample> {
      const frame = await opts.transport.request(readHoldingRequest(unit, 0, 4), 5 + 8, opts.timeoutMs ?? 1000);
      const r = decodeReadHoldingResponse(frame, unit, 4);
      if (!r.ok) throw new Error(`radar gauge answered badly: ${r.error}${r.exceptionCode ? ` (exception ${r.exceptionCode})` : ''}`);
      const s = radarSample(r.registers, opts.mountHeightMm);
      if (s.echoLost) throw new Error('radar gauge reports echo lost');
      return { depthMm: s.depthMm, batteryPct: s.batteryPct };
    },
    close: () => opts.transport.close(),
  };
}
