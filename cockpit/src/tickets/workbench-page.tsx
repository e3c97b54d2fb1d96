/** 工单工作台 / Ticket workbench — placeholder until its view is built. */
import { AppNav, type PageProps } from '../nav/routes.tsx';

/** The view. */
export default function Page({ session }: PageProps) {
  return (
    <div className="page-placeholder">
      <AppNav />
      <h1>工单工作台 / Ticket workbench</h1>
      <p>{session.user.displayName}</p>
    </div>
  );
}
