import { describe, expect, it } from 'vitest';
import { checkPublish, checkSubscribe, type ClientIdentity } from './acl.ts';

const sensor: ClientIdentity = { type: 'device', kind: 'sensor', sn: 'WL-1' };
const hub: ClientIdentity = { type: 'service', name: 'svc-hub' };

describe('topic ACL', () => {
  it('lets a sensor publish its own telemetry and retained status', () => {
    expect(checkPublish(sensor, 'yzg/v1/sensor/WL-1/telemetry', false)).toBeNull();
    expect(checkPublish(sensor, 'yzg/v1/sensor/WL-1/status', true)).toBeNull();
  });

  it('refuses a sensor publishing under another serial number, kind or direction', () => {
    expect(checkPublish(sensor, 'yzg/v1/sensor/WL-2/telemetry', false)).toBe('other-device');
    expect(checkPublish(sensor, 'yzg/v1/dock/WL-1/osd', false)).toBe('other-device');
    expect(checkPublish(sensor, 'yzg/v1/sensor/WL-1/config', false)).toBe('wrong-direction');
    expect(checkPublish(sensor, 'yzg/v1/sensor/WL-1/telemetry', true)).toBe('retain-not-allowed');
    expect(checkPublish(sensor, '$SYS/x', false)).toBe('not-a-device-topic');
  });

  it('lets a sensor subscribe only to its own config, without wildcards', () => {
    expect(checkSubscribe(sensor, 'yzg/v1/sensor/WL-1/config')).toBeNull();
    expect(checkSubscribe(sensor, 'yzg/v1/sensor/WL-2/config')).toBe('other-device');
    expect(checkSubscribe(sensor, 'yzg/v1/sensor/+/config')).toBe('wildcard');
    expect(checkSubscribe(sensor, '#')).toBe('wildcard');
    expect(checkSubscribe(sensor, 'yzg/v1/sensor/WL-1/telemetry')).toBe('wrong-direction');
  });

  it('lets centre services use the yzg/v1 tree only', () => {
    expect(checkSubscribe(hub, 'yzg/v1/sensor/+/telemetry')).toBeNull();
    expect(checkPublish(hub, 'yzg/v1/sensor/WL-1/config', true)).toBeNull();
    expect(checkSubscribe(hub, '#')).toBe('outside-root');
  });
});
