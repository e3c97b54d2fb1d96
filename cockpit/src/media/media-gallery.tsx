/**
 * 影像 / Media gallery: thumbnails of the images matching a query in a grid, newest first; a click
 * opens the full image with its pose. Exported for the department portal, the operator console
 * and the big screen; `onItems` and `onSelect` let a map show the same images.
 */
import { useEffect, useState } from 'react';
import type { MediaView } from '../../../protocol/media.schema.ts';
import type { MediaDetectionsReply } from '../../../protocol/detection.schema.ts';
import { getDetections, listMedia, mediaQueryString, mediaSrc, type MediaQuery } from './media-api.ts';
import { DetectedImage, detectionLabel } from './detection-overlay.tsx';
import './media.css';

/** Props of the gallery. */
export interface MediaGalleryProps {
  token: string;
  query: MediaQuery;
  /** Narrows what the query returns (e.g. to the latest flight). */
  select?: (items: MediaView[]) => MediaView[];
  /** Lists again this often while set, milliseconds. */
  refreshMs?: number;
  /** Lists again whenever this changes (e.g. a task reported progress). */
  refreshKey?: string;
  /** `data-testid` of the thumbnail list (tests). */
  thumbsTestId?: string;
  title?: string;
  subtitle?: string;
  emptyText?: string;
  /** Columns of the grid (default 4). */
  columns?: number;
  onItems?(items: MediaView[]): void;
  /** An image was opened (or closed: null). */
  onSelect?(m: MediaView | null): void;
  onUnauthorized?(): void;
}

function time(iso: string): string {
  return new Date(iso).toLocaleString('zh-CN', { hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** 拍摄参数 / The pose of an image, Chinese first. */
export function MediaPoseInfo({ m }: { m: MediaView }) {
  const p = m.pose;
  const rows: Array<[string, string]> = [
    ['拍摄时间 / taken', time(p.takenAt)],
    ['位置 / position', `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)}`],
    ['高度 / height', `相对 ${p.altRelM.toFixed(1)} m · 海拔 ${p.altAmslM.toFixed(1)} m`],
    ['航向 / heading', `${p.headingDeg.toFixed(0)}°`],
    ['云台 / gimbal', `${p.gimbalPitchDeg.toFixed(0)}°`],
    ['镜头 / lens', `${p.hfovDeg.toFixed(0)}° · ${m.widthPx}×${m.heightPx}`],
    ['机库 / dock', m.dockSn ?? '—'],
    ['架次 / sortie', m.sortieId === null ? '—' : `#${m.sortieId}`],
    ['飞行 / flight', m.flightId === null ? '—' : `#${m.flightId}`],
    ['文件 / file', `${m.fileName ?? m.sha256.slice(0, 12)} · ${(m.bytes / 1024).toFixed(0)} KB`],
  ];
  return (
    <dl className="mg-pose">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** 检测结果 / The full image with its detection boxes and a list of them (Chinese first). */
export function MediaWithDetections({ m, token }: { m: MediaView; token: string }) {
  const [det, setDet] = useState<MediaDetectionsReply | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    setDet(null);
    void getDetections(token, m.id, ac.signal).then((out) => {
      if (!ac.signal.aborted && out.kind === 'ok') setDet(out.value);
    });
    return () => ac.abort();
  }, [token, m.id]);
  const items = det?.items ?? [];
  return (
    <div className="mg-full">
      <DetectedImage src={mediaSrc(m.url, token)} alt={`航拍影像 #${m.id}（原图）`} widthPx={m.widthPx} heightPx={m.heightPx} boxes={items.map((d) => ({ key: d.id, class: d.class, score: d.score, box: d.box, eventId: d.eventId }))} testId="media-detections" />
      <ul className="mg-detections" aria-label="检测结果 / detections">
        {det === null ? null : det.status === 'pending' ? (
          <li role="status">检测中… / detecting…</li>
        ) : items.length === 0 ? (
          <li>未检测到目标 / nothing detected</li>
        ) : (
          items.map((d) => (
            <li key={d.id}>
              {detectionLabel(d.class)} · {(d.score * 100).toFixed(0)}%{d.errorM !== null ? ` · ±${d.errorM.toFixed(0)} m` : ''}
              {d.eventId !== null ? ` · 事件 #${d.eventId}` : ''}
            </li>
          ))
        )}
      </ul>
    </div>
  );
}

/** The gallery. */
export function MediaGallery({ token, query, select, refreshMs, refreshKey, thumbsTestId, title = '影像', subtitle = 'Media', emptyText = '暂无影像 / no images yet', columns = 4, onItems, onSelect, onUnauthorized }: MediaGalleryProps) {
  const [items, setItems] = useState<MediaView[]>([]);
  const [state, setState] = useState<'loading' | 'ok' | 'unavailable'>('loading');
  const [open, setOpen] = useState<MediaView | null>(null);
  const [tick, setTick] = useState(0);
  const key = mediaQueryString(query);

  useEffect(() => {
    if (!refreshMs) return;
    const t = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(t);
  }, [refreshMs]);

  useEffect(() => {
    const ac = new AbortController();
    void listMedia(token, query, ac.signal).then((out) => {
      if (ac.signal.aborted) return;
      if (out.kind === 'ok') {
        const shown = select ? select(out.value) : out.value;
        setItems(shown);
        setState('ok');
        onItems?.(shown);
      } else if (out.kind === 'unauthorized') {
        onUnauthorized?.();
      } else {
        setState('unavailable');
      }
    });
    return () => ac.abort();
    // `query` is keyed by its string (`key`); callbacks are the caller's to keep stable.
  }, [token, key, tick, refreshKey]);

  const show = (m: MediaView | null) => {
    setOpen(m);
    onSelect?.(m);
  };

  return (
    <section className="mg-gallery" aria-label={`${title} / ${subtitle}`} data-testid="media-gallery" data-count={items.length}>
      <h3>
        {title}
        <small>
          {subtitle} {items.length}
        </small>
      </h3>
      {state === 'loading' && (
        <p className="mg-note" role="status">
          影像加载中…
        </p>
      )}
      {state === 'unavailable' && <p className="mg-note">影像服务暂不可用 / media service unavailable</p>}
      {state === 'ok' && items.length === 0 && <p className="mg-note">{emptyText}</p>}
      <ul className="mg-thumbs" data-testid={thumbsTestId} style={{ gridTemplateColumns: `repeat(${columns}, 1fr)` }}>
        {items.map((m) => (
          <li key={m.id}>
            <button type="button" className={open?.id === m.id ? 'selected' : ''} onClick={() => show(m)} title={`${time(m.takenAt)} · ${m.pose.lat.toFixed(5)}, ${m.pose.lon.toFixed(5)}`}>
              <img src={mediaSrc(m.thumbUrl, token)} alt={`航拍影像 #${m.id}`} data-media-id={m.id} loading="lazy" />
            </button>
          </li>
        ))}
      </ul>
      {open && (
        <div className="mg-lightbox" role="dialog" aria-label={`影像 #${open.id}`} onClick={() => show(null)}>
          <figure onClick={(e) => e.stopPropagation()}>
            <MediaWithDetections m={open} token={token} />
            <figcaption>
              <MediaPoseInfo m={open} />
              <a href={mediaSrc(open.url, token)} target="_blank" rel="noreferrer">
                原图 / original
              </a>
              <button type="button" onClick={() => show(null)}>
                关闭 / close
              </button>
            </figcaption>
          </figure>
        </div>
      )}
    </section>
  );
}
