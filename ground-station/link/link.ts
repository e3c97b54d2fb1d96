/**
 * A ground-station link: bytes in from peers, bytes out to a peer. A peer is whatever the link
 * uses to tell vehicles apart (`ip:port` for UDP, the dock serial number for the MQTT tunnel).
 */
import type { MavlinkFraming } from '../../common/mavlink/mavlink-codec.ts';

/** One transport the ground station talks MAVLink over. */
export interface GcsLink {
  /** Name for logs and metrics, e.g. `udp:14550`, `mqtt-tunnel`. */
  readonly name: string;
  /** Registers the receiver of incoming bytes. */
  onData(fn: (bytes: Buffer, peer: string) => void): void;
  /** Sends bytes to a peer; dropped when the peer is unknown or the link is down. */
  send(bytes: Uint8Array, peer: string): void;
  close(): Promise<void>;
  /** `datagram` when each receive holds whole frames (UDP); a stream otherwise (TCP, MQTT tunnel). */
  readonly framing?: MavlinkFraming;
}
