// Inline SVG icons: no icon font or emoji font needed (the app runs offline anywhere).
import type { SVGProps } from "react";

const PATHS = {
  play: "M8 5v14l11-7z",
  grid: "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z",
  upload: "M12 16V4m0 0l-5 5m5-5l5 5M4 20h16",
  library: "M4 6h16M4 12h16M4 18h10",
  gear: "M12 15a3 3 0 100-6 3 3 0 000 6zm7.4-3a7.4 7.4 0 00-.1-1.2l2-1.6-2-3.4-2.4 1a7.6 7.6 0 00-2-1.2L14.5 3h-5l-.4 2.6a7.6 7.6 0 00-2 1.2l-2.4-1-2 3.4 2 1.6a7.4 7.4 0 000 2.4l-2 1.6 2 3.4 2.4-1a7.6 7.6 0 002 1.2l.4 2.6h5l.4-2.6a7.6 7.6 0 002-1.2l2.4 1 2-3.4-2-1.6c.1-.4.1-.8.1-1.2z",
  heart: "M12 20s-7-4.4-9.3-8.6C1 8.2 2.7 4.5 6.3 4.5c2.1 0 3.4 1.2 4.2 2.4h3c.8-1.2 2.1-2.4 4.2-2.4 3.6 0 5.3 3.7 3.6 6.9C19 15.6 12 20 12 20z",
  comment: "M4 5h16v11H9l-5 4z",
  muted: "M4 9h4l5-4v14l-5-4H4zM17 9l4 6m0-6l-4 6",
  sound: "M4 9h4l5-4v14l-5-4H4zM16.5 8.5a5 5 0 010 7M19 6a8.5 8.5 0 010 12",
  sun: "M12 17a5 5 0 100-10 5 5 0 000 10zM12 1v2m0 18v2M4.2 4.2l1.4 1.4m12.8 12.8l1.4 1.4M1 12h2m18 0h2M4.2 19.8l1.4-1.4M18.4 5.6l1.4-1.4",
  moon: "M21 12.8A9 9 0 1111.2 3a7 7 0 009.8 9.8z",
  half: "M12 3a9 9 0 100 18 9 9 0 000-18zm0 0v18",
  film: "M4 4h16v16H4zM8 4v16M16 4v16M4 8h4m8 0h4M4 16h4m8 0h4M4 12h16",
  search: "M11 18a7 7 0 100-14 7 7 0 000 14zm5-2l5 5",
  folder: "M3 6h6l2 2h10v11H3z",
  inbox: "M3 13l3-8h12l3 8v6H3zm0 0h5l1 2h6l1-2h5",
  chat: "M4 5h16v11H9l-5 4z",
  expand: "M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5",
  download: "M12 4v12m0 0l-5-5m5 5l5-5M4 20h16",
  pip: "M3 5h18v14H3zM12 12h7v5h-7z",
  share: "M18 8a3 3 0 100-6 3 3 0 000 6zM6 15a3 3 0 100-6 3 3 0 000 6zM18 22a3 3 0 100-6 3 3 0 000 6zM8.6 13.5l6.8 4M15.4 6.5l-6.8 4",
} as const;

export type IconName = keyof typeof PATHS;
const FILLED: IconName[] = ["play"];

export function Icon({ name, filled, className = "h-5 w-5", ...props }: { name: IconName; filled?: boolean } & SVGProps<SVGSVGElement>) {
  const fill = filled ?? FILLED.includes(name);
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" className={className}
      fill={fill ? "currentColor" : "none"} stroke="currentColor" strokeWidth={fill ? 0 : 1.8}
      strokeLinecap="round" strokeLinejoin="round" {...props}>
      <path d={PATHS[name]} />
    </svg>
  );
}
