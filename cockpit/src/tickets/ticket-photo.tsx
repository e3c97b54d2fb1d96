/** A ticket photo thumbnail, loaded with the bearer token; click opens it full size. */
import { useEffect, useState } from 'react';
import { fetchPhoto } from './ticket-api.ts';

/** One thumbnail of photo `photoId` of ticket `ticketId`. */
export function TicketPhoto({ token, ticketId, photoId, size = 72 }: { token: string; ticketId: number; photoId: number; size?: number }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const ac = new AbortController();
    let objectUrl: string | null = null;
    void fetchPhoto(token, ticketId, photoId, ac.signal).then((blob) => {
      if (ac.signal.aborted) return;
      if (!blob) return setFailed(true);
      objectUrl = URL.createObjectURL(blob);
      setUrl(objectUrl);
    });
    return () => {
      ac.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [token, ticketId, photoId]);
  if (failed) return <span className="tk-photo tk-photo-failed" style={{ width: size, height: size }}>照片不可用</span>;
  if (!url) return <span className="tk-photo tk-photo-loading" style={{ width: size, height: size }} aria-label="照片加载中" />;
  return (
    <a className="tk-photo" href={url} target="_blank" rel="noreferrer" title={`照片 #${photoId} / photo`}>
      <img src={url} alt={`现场照片 #${photoId}`} data-photo-id={photoId} style={{ width: size, height: size }} />
    </a>
  );
}
