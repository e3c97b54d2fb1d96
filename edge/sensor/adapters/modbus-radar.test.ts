import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc16Modbus, decodeReadHoldingResponse, modbusRadarAdapter, radarSample, readHoldingRequest, rtuOverTcp } from './modbus-radar.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Builds a response frame the way the gauge does (body + CRC). */
function response(unit: number, regs: number[]): Buffer {
  const body = Buffer.from([unit, 0x03, regs.length * 2, ...regs.flatMap((r) => [(r >> 8) & 0xff, r & 0xff])]);
  const crc = crc16Modbus(body);
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]);
}

describe('Modbus RTU radar gauge', () => {
  it('computes CRC-16/MODBUS as the published check vectors', () => {
    // Published vectors: "123456789" → 0x4B37; request 01 03 00 00 00 01 → CRC bytes 84 0A.
    expect(crc16Modbus(Buffer.from('123456789'))).toBe(0x4b37);
    expect(readHoldingRequest(1, 0, 1)).toEqual(hex('01 03 00 00 00 01 84 0A'));
  });

  it('decodes a reply: 1 500 mm air gap under a 1 800 mm mount is 300 mm of water', () => {
    // gap 0x05DC = 1500 mm, status 0, supply 0x04C4 = 12.20 V, temperature 0x0107 = 26.3 °C
    const frame = response(1, [0x05dc, 0x0000, 0x04c4, 0x0107]);
    const r = decodeReadHoldingResponse(frame, 1, 4);
    expect(r).toEqual({ ok: true, registers: [1500, 0, 1220, 263] });
    const s = radarSample(r.ok ? r.registers : [], 1800);
    expect(s).toMatchObject({ depthMm: 300, echoLost: false, temperatureC: 26.3, batteryPct: 67 });
    expect(radarSample([2000, 0, 1220, 0xffec], 1800)).toMatchObject({ depthMm: 0, temperatureC: -2 });
  });

  it('refuses corrupted, truncated, foreign and exception replies', () => {
    const good = response(1, [1500, 0, 1220, 263]);
    const flipped = Buffer.from(good);
    flipped[4]! ^= 0x01;
    expect(decodeReadHoldingResponse(flipped, 1, 4)).toMatchObject({ ok: false, error: 'bad-crc' });
    expect(decodeReadHoldingResponse(good.subarray(0, 4), 1, 4)).toMatchObject({ ok: false, error: 'short-frame' });
    expect(decodeReadHoldingResponse(response(2, [1, 2, 3, 4]), 1, 4)).toMatchObject({ ok: false, error: 'wrong-unit' });
    expect(decodeReadHoldingResponse(response(1, [1, 2]), 1, 4)).toMatchObject({ ok: false, error: 'wrong-length' });
    const exc = Buffer.from([0x01, 0x83, 0x02]);
    const crc = crc16Modbus(exc);
    expect(decodeReadHoldingResponse(Buffer.concat([exc, Buffer.from([crc & 0xff, crc >> 8])]), 1, 4)).toEqual({ ok: false, error: 'exception', exceptionCode: 2 });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => void decodeReadHoldingResponse(b, 1, 4)), { numRuns: 3000 });
  });

  describe('over RTU-over-TCP to a gauge (the gauge is simulated: hardware)', () => {
    let gapMm = 1500;
    const server = net.createServer((sock) => {
      sock.on('data', (req) => {
        if (req.equals(readHoldingRequest(1, 0, 4))) sock.write(response(1, [gapMm, 0, 1250, 250]));
      });
    });
    const ready = new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('reads depth through the adapter contract', async () => {
      const adapter = modbusRadarAdapter({ transport: rtuOverTcp('127.0.0.1', await ready), mountHeightMm: 1800 });
      expect(adapter.name).toBe('modbus-radar');
      expect((await adapter.read(Date.now())).depthMm).toBe(300);
      gapMm = 1620;
      expect((await adapter.read(Date.now())).depthMm).toBe(180);
      await adapter.close?.();
    });

    it('rejects with a clear error when the gauge does not answer', async () => {
      const silent = net.createServer((s) => s.on('data', () => undefined)); // listens, never answers
      const port = await new Promise<number>((r) => silent.listen(0, '127.0.0.1', () => r((silent.address() as net.AddressInfo).port)));
      const adapter = modbusRadarAdapter({ transport: rtuOverTcp('127.0.0.1', port), mountHeightMm: 1800, timeoutMs: 200 });
      await expect(adapter.read(Date.now())).rejects.toThrow(/no answer/);
      await adapter.close?.();
      await new Promise<void>((r) => silent.close(() => r()));
    });
  });
});
