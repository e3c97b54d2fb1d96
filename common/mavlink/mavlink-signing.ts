/**
 * MAVLink 2 message signing (MAVLink spec, "Message Signing"): a 13-byte trailer of link id,
 * 48-bit timestamp (10 µs since 2015-01-01) and the first 6 bytes of SHA-256(key ‖ frame ‖ link id
 * ‖ timestamp). Outgoing timestamps strictly increase; an incoming frame is accepted only with a
 * matching signature and a timestamp newer than the last one of its (system, component, link)
 * stream, so a captured frame cannot be replayed.
 */
import crypto from 'node:crypto';
import { MavLinkPacketSignature } from 'node-mavlink';

/** The signing epoch, ms since 1970. */
const SIGNING_EPOCH_MS = Date.UTC(2015, 0, 1);
/** MAVLINK_IFLAG_SIGNED in the incompatibility flags. */
export const IFLAG_SIGNED = 0x01;
/** Accept timestamps this far ahead of our clock, in 10 µs units (one minute). */
const MAX_FUTURE_UNITS = 60 * 100_000;

/** The 32-byte secret key from a passphrase (SHA-256, as Mission Planner and QGC do). */
export function signingKey(passphrase: string): Buffer {
  return crypto.createHash('sha256').update(passphrase).digest();
}

/** Signs outgoing frames and checks incoming ones with one shared key. */
export class MavlinkSigner {
  private lastTs = 0;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly key: Buffer,
    readonly linkId = 0,
  ) {}

  private nextTimestamp(): number {
    this.lastTs = Math.max(this.lastTs + 1, Math.floor((Date.now() - SIGNING_EPOCH_MS) * 100));
    return this.lastTs;
  }

  /** Appends the signature to a frame serialised with the signed flag set. */
  sign(frame: Buffer): Buffer {
    const out = Buffer.concat([frame, Buffer.alloc(MavLinkPacketSignature.SIGNATURE_LENGTH)]);
    const s = new MavLinkPacketSignature(out);
    s.linkId = this.linkId;
    s.timestamp = this.nextTimestamp();
    s.signature = s.calculate(this.key);
    return out;
  }

  /** True when a received frame is signed with our key and not a replay. */
  verify(frame: Buffer, sysId: number, compId: number): boolean {
    if (frame.length < 12 + MavLinkPacketSignature.SIGNATURE_LENGTH || frame[0] !== 0xfd || (frame[2]! & IFLAG_SIGNED) === 0) return false;
    const s = new MavLinkPacketSignature(frame);
    if (!s.matches(this.key)) return false;
    const stream = `${sysId}/${compId}/${s.linkId}`;
    const ts = s.timestamp;
    const now = Math.floor((Date.now() - SIGNING_EPOCH_MS) * 100);
    if (ts <= (this.seen.get(stream) ?? 0) || ts > now + MAX_FUTURE_UNITS) return false;
    this.seen.set(stream, ts);
    return true;
  }
}
