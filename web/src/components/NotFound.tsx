// The page for an address that leads nowhere (or a video that is gone or hidden).
import { Link } from "react-router-dom";
import { Icon } from "./icons";

export function NotFound({ title = "There's nothing here", children }: { title?: string; children?: React.ReactNode }) {
  return (
    <div role="alert" className="mx-auto my-16 flex max-w-md flex-col items-center gap-3 px-6 text-center" data-testid="not-found">
      <Icon name="search" className="h-12 w-12 text-zinc-400" />
      <h1 className="text-2xl font-bold">{title}</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{children ?? "This address doesn't lead to a page. The link may be mistyped or out of date."}</p>
      <Link to="/" className="btn-primary">Back to the feed</Link>
    </div>
  );
}
