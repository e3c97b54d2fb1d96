/**
 * MAVLink 2 framing (node-mavlink), shared by the ground station and the dock's relay and simulated autopilot: an encoder with its own sequence counter and a
 * decoder that never throws — frames with a bad CRC, unknown ids or broken payloads are counted
 * and dropped.
 */
import { MavLinkPacketParser, MavLinkPacketSplitter, MavLinkProtocolV2, ardupilotmega, common, minimal, type MavLinkData, type MavLinkPacket } from 'node-mavlink';
import { IFLAG_SIGNED, type MavlinkSigner } from './mavlink-signing.ts';

/** Message classes by MAVLink message id (minimal + common + ardupilotmega dialects). */
export const MAV_REGISTRY: Record<number, new () => MavLinkData> = { ...minimal.REGISTRY, ...common.REGISTRY, ...ardupilotmega.REGISTRY } as never;

/** One decoded message with its header fields. */
export interface MavMessage {
  sysId: number;
  compId: number;
  seq: number;
  msgId: number;
  data: MavLinkData;
  /** The frame as it came off the wire (for relays and forwarding), signature included. */
  frame: Buffer;
  /** Whether the frame carries a MAVLink 2 signature (checked by the receiver that holds the key). */
  signed: boolean;
}

/** Encodes messages as MAVLink 2 frames of one system/component, signed when given a signer. */
export class MavlinkEncoder {
  private seq = 0;
  private readonly protocol: MavLinkProtocolV2;

  constructor(
    readonly sysId: number,
    readonly compId: number,
    private readonly signer?: MavlinkSigner,
  ) {
    this.protocol = new MavLinkProtocolV2(sysId, compId, signer ? IFLAG_SIGNED : 0);
  }

  /** One MAVLink 2 frame of `msg`. */
  encode(msg: MavLinkData): Buffer {
    const buf = this.protocol.serialize(msg, this.seq);
    this.seq = (this.seq + 1) & 0xff;
    return this.signer ? this.signer.sign(buf) : buf;
  }
}

/** Counters of a decoder. */
export interface DecoderStats {
  frames: number;
  badCrc: number;
  unknown: number;
  malformed: number;
}

/** How bytes arrive: a stream (TCP, serial: frames may span chunks) or datagrams (UDP: each holds whole frames). */
export type MavlinkFraming = 'stream' | 'datagram';

/**
 * Splits a byte stream into MAVLink frames and decodes them; never throws. With `datagram`
 * framing every push stands alone: a truncated frame at the end of one datagram is dropped
 * (counted as malformed) instead of swallowing the good frames of the next sender's datagram.
 */
export class MavlinkDecoder {
  readonly stats: DecoderStats = { frames: 0, badCrc: 0, unknown: 0, malformed: 0 };
  private splitter!: MavLinkPacketSplitter;

  constructor(
    private readonly onMessage: (m: MavMessage) => void,
    private readonly framing: MavlinkFraming = 'stream',
  ) {
    this.reset();
  }

  private reset(): void {
    this.splitter?.removeAllListeners();
    this.splitter = new MavLinkPacketSplitter({}, { onCrcError: () => void (this.stats.badCrc += 1) });
    const parser = new MavLinkPacketParser();
    this.splitter.on('error', () => {
      this.stats.malformed += 1;
      this.reset();
    });
    parser.on('error', () => void (this.stats.malformed += 1));
    parser.on('data', (pkt: MavLinkPacket) => this.deliver(pkt));
    this.splitter.pipe(parser);
  }

  private deliver(pkt: MavLinkPacket): void {
    const clazz = MAV_REGISTRY[pkt.header.msgid];
    if (!clazz) {
      this.stats.unknown += 1;
      return;
    }
    let data: MavLinkData;
    try {
      data = pkt.protocol.data(pkt.payload, clazz as never);
    } catch {
      this.stats.malformed += 1;
      return;
    }
    this.stats.frames += 1;
    try {
      this.onMessage({ sysId: pkt.header.sysid, compId: pkt.header.compid, seq: pkt.header.seq, msgId: pkt.header.msgid, data, frame: pkt.buffer, signed: (pkt.header.incompatibilityFlags & IFLAG_SIGNED) !== 0 });
    } catch {
      this.stats.malformed += 1;
    }
  }

  /** Feeds bytes (a datagram or a chunk of a stream). */
  push(bytes: Uint8Array): void {
    try {
      this.splitter.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (this.framing === 'datagram') this.dropPartialFrame();
    } catch {
      this.stats.malformed += 1;
      this.reset();
    }
  }

  /** Discards what the splitter holds back waiting for more bytes (node-mavlink keeps it in a private field). */
  private dropPartialFrame(): void {
    const held = this.splitter as unknown as { buffer: Buffer };
    if (held.buffer.byteLength === 0) return;
    this.stats.malformed += 1;
    held.buffer = Buffer.alloc(0);
  }
}
