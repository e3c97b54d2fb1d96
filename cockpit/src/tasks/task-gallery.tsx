/** 任务影像 / The images filed under a task: thumbnails, and the full image with its pose on click. */
import { useEffect, useState } from 'react';
import type { MediaView } from '../../../protocol/media.schema.ts';
import { listTaskMedia, withToken } from './task-api.ts';
import { formatTime } from './task-format.ts';

/** While a task flies, its images are listed again this often, milliseconds. */
const REFRESH_MS = 4_000;

/** Props of the gallery. */
export interface TaskGalleryProps {
  token: string;
  taskId: string;
  /** Whether new images may still come (the list refreshes while true). */
  active: boolean;
  /** Changes when the task reports progress or more images: the list refreshes at once. */
  refreshKey: string;
  onCount(n: number): void;
}

function PoseTable({ m }: { m: MediaView }) {
  const p = m.pose;
  const rows: Array<[string, string]> = [
    ['拍摄时间 / taken', formatTime(p.takenAt)],
    ['位置 / position', `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)}`],
    ['相对高度 / height', `${p.altRelM.toFixed(1)} m（海拔 ${p.altAmslM.toFixed(1)} m）`],
    ['航向 / heading', `${p.headingDeg.toFixed(0)}°`],
    ['云台俯仰 / gimbal pitch', `${p.gimbalPitchDeg.toFixed(0)}°`],
    ['视场角 / FOV', `${p.hfovDeg.toFixed(0)}° · ${p.widthPx}×${p.heightPx}`],
    ['机库 / dock', m.dockSn ?? '—'],
  ];
  return (
    <dl className="tp-pose">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The gallery. */
export function TaskGallery({ token, taskId, active, refreshKey, onCount }: TaskGalleryProps) {
  const [items, setItems] = useState<MediaView[]>([]);
  const [state, setState] = useState<'loading' | 'ok' | 'unavailable'>('loading');
  const [open, setOpen] = useState<MediaView | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(t);
  }, [active]);

  useEffect(() => {
    const ac = new AbortController();
    void listTaskMedia(token, taskId, ac.signal).then((out) => {
      if (ac.signal.aborted) return;
      if (out.kind === 'ok') {
        setItems(out.value);
        setState('ok');
        onCount(out.value.length);
      } else if (out.kind === 'refused') {
        setState('unavailable');
      }
    });
    return () => ac.abort();
  }, [token, taskId, refreshKey, tick, onCount]);

  return (
    <section className="tp-gallery" aria-label="任务影像 / images">
      <h3>
        任务影像<small>Images {items.length}</small>
      </h3>
      {state === 'loading' && (
        <p className="tp-note" role="status">
          <span className="spinner" aria-hidden="true" />
          影像加载中…
        </p>
      )}
      {state === 'unavailable' && <p className="tp-note">影像服务暂不可用 / media service unavailable</p>}
      {state === 'ok' && items.length === 0 && <p className="tp-note">{active ? '等待首批影像回传…' : '暂无影像'}</p>}
      <ul className="tp-thumbs" data-testid="thumbs">
        {items.map((m) => (
          <li key={m.id}>
            <button type="button" onClick={() => setOpen(m)} title={`${formatTime(m.takenAt)} · ${m.pose.lat.toFixed(5)}, ${m.pose.lon.toFixed(5)}`}>
              <img src={withToken(m.thumbUrl, token)} alt={`航拍影像 #${m.id}`} data-media-id={m.id} loading="lazy" />
            </button>
          </li>
        ))}
      </ul>
      {open && (
        <div className="tp-lightbox" role="dialog" aria-label={`影像 #${open.id}`} onClick={() => setOpen(null)}>
          <figure onClick={(e) => e.stopPropagation()}>
            <img src={withToken(open.url, token)} alt={`航拍影像 #${open.id}（原图）`} />
            <figcaption>
              <PoseTable m={open} />
              <button type="button" onClick={() => setOpen(null)}>
                关闭
              </button>
            </figcaption>
          </figure>
        </div>
      )}
    </section>
  );
}
