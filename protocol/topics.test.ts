import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHANNELS, allDevicesFilter, isValidSerial, parseDeviceTopic, sensorTopic, dockTopic } from './topics.ts';

const serial = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

describe('topics', () => {
  it('builds sensor and dock topics under yzg/v1', () => {
    expect(sensorTopic('WL-007-01', 'telemetry')).toBe('yzg/v1/sensor/WL-007-01/telemetry');
    expect(dockTopic('DK-1', 'mavlink/up')).toBe('yzg/v1/dock/DK-1/mavlink/up');
    expect(allDevicesFilter('sensor', 'status')).toBe('yzg/v1/sensor/+/status');
  });

  it('refuses to build a topic from a serial number with wildcards or slashes', () => {
    for (const bad of ['a/b', '+', '#', '', 'x'.repeat(65), 'a b']) {
      expect(isValidSerial(bad)).toBe(false);
      expect(() => sensorTopic(bad, 'telemetry')).toThrow(/invalid device serial/);
    }
  });

  it('parses every topic it builds back to the same kind, serial and channel', () => {
    fc.assert(
      fc.property(serial, fc.constantFrom(...Object.keys(CHANNELS.sensor)), (sn, ch) => {
        const t = parseDeviceTopic(sensorTopic(sn, ch as 'telemetry'));
        expect(t).toEqual({ kind: 'sensor', sn, channel: ch, direction: CHANNELS.sensor[ch as 'telemetry'] });
      }),
    );
    expect(parseDeviceTopic('yzg/v1/dock/D1/mavlink/down')).toEqual({ kind: 'dock', sn: 'D1', channel: 'mavlink/down', direction: 'down' });
  });

  it('returns null for anything that is not a known device channel', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const t = parseDeviceTopic(s);
        if (t !== null) expect(s.startsWith('yzg/v1/')).toBe(true);
      }),
    );
    for (const bad of ['yzg/v1/sensor/A', 'yzg/v1/sensor/A/nope', 'yzg/v1/robot/A/telemetry', 'yzg/v2/sensor/A/telemetry', 'yzg/v1/sensor/+/telemetry', 'yzg/v1/sensor/A/__proto__']) {
      expect(parseDeviceTopic(bad)).toBeNull();
    }
  });
});
