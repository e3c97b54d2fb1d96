/** Take or choose a photo, downscale it, upload it with progress; lists the uploaded attachment ids. */
import { useId, useState, type ChangeEvent } from 'react';
import { outcomeMessage, uploadPhoto } from './ticket-api.ts';
import { preparePhoto } from './photo-resize.ts';
import { TicketPhoto } from './ticket-photo.tsx';
import { CameraIcon } from './icons.tsx';

/** Props of the uploader. */
export interface PhotoUploaderProps {
  token: string;
  ticketId: number;
  /** Attachment ids uploaded so far. */
  photoIds: number[];
  onUploaded(photoId: number): void;
  /** Big touch targets for the phone view. */
  large?: boolean;
}

/** The uploader: a camera/file input, a progress bar, thumbnails. */
export function PhotoUploader({ token, ticketId, photoIds, onUploaded, large }: PhotoUploaderProps) {
  const inputId = useId();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      const photo = await preparePhoto(file);
      const out = await uploadPhoto(token, ticketId, photo.contentType, photo.dataBase64, setProgress);
      if (out.kind === 'ok') onUploaded(out.value.id);
      else setError(outcomeMessage(out));
    } catch (err) {
      console.error('photo preparation failed', err);
      setError('无法读取该照片 / Cannot read this photo');
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className={`tk-uploader${large ? ' tk-uploader-large' : ''}`}>
      <label htmlFor={inputId} className={`tk-btn tk-btn-secondary${progress !== null ? ' disabled' : ''}`}>
        <CameraIcon /> 拍照/选择照片 <small>Take photo</small>
      </label>
      <input
        id={inputId}
        className="tk-file-input"
        type="file"
        accept="image/*"
        capture="environment"
        disabled={progress !== null}
        onChange={(e) => void onFile(e)}
        data-testid="photo-input"
      />
      {progress !== null ? (
        <div className="tk-progress" role="progressbar" aria-label="上传进度 / upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
          <div className="tk-progress-bar" style={{ width: `${Math.round(progress * 100)}%` }} />
          <span>上传中 {Math.round(progress * 100)}%</span>
        </div>
      ) : null}
      {error ? (
        <p className="tk-error" role="alert">
          {error}
        </p>
      ) : null}
      {photoIds.length > 0 ? (
        <div className="tk-photos" data-testid="uploaded-photos">
          {photoIds.map((pid) => (
            <TicketPhoto key={pid} token={token} ticketId={ticketId} photoId={pid} size={large ? 96 : 72} />
          ))}
        </div>
      ) : null}
    </div>
  );
}
