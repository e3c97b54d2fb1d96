/** 任务影像 / The images filed under a task: the shared media gallery (thumbnails, and the full image with its pose on click). */
import { useCallback } from 'react';
import type { MediaView } from '../../../protocol/media.schema.ts';
import { MediaGallery } from '../media/media-gallery.tsx';

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

/** The gallery. */
export function TaskGallery({ token, taskId, active, refreshKey, onCount }: TaskGalleryProps) {
  const onItems = useCallback((items: MediaView[]) => onCount(items.length), [onCount]);
  return (
    <MediaGallery
      token={token}
      query={{ taskId, limit: 200 }}
      refreshMs={active ? REFRESH_MS : undefined}
      refreshKey={refreshKey}
      thumbsTestId="thumbs"
      title="任务影像"
      subtitle="Images"
      emptyText={active ? '等待首批影像回传…' : '暂无影像'}
      onItems={onItems}
    />
  );
}
