/** 网格员 / Grid worker — placeholder until its view is built. */
import { AppNav, type PageProps } from '../nav/routes.tsx';

/** The view. */
export default function Page({ session }: PageProps) {
  return (
    <div className="page-placeholder">
      <AppNav />
      <h1>网格员 / Grid worker</h1>
      <p>{session.user.displayName}</p>
    </div>
  );
}
