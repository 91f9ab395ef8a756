// Small pieces of the share screens: a link's QR code, its status words, its dates.
import { useEffect, useState } from "react";
import { Skeleton } from "@/components/ui";
import type { Expiry, ShareLink } from "./api";

export const EXPIRY_WORDS: Record<Expiry, string> = { "1d": "1 day", "7d": "7 days", "30d": "30 days", never: "Never" };

/** The guest page's full address on this server. */
export function linkUrl(link: ShareLink): string {
  return `${window.location.origin}${link.path}`;
}

export function statusWords(link: ShareLink): string {
  if (link.status === "revoked") return "Turned off";
  if (link.status === "expired") return "Expired";
  return link.expires_at ? `Works until ${new Date(link.expires_at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}` : "Never expires";
}

export function when(value: string | null): string {
  return value ? new Date(value).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "never";
}

/** A QR code drawn in the browser, so a phone across the room can open the link. */
export function LinkQr({ text, alt }: { text: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    import("qrcode")
      .then((qr) => qr.toDataURL(text, { margin: 2, errorCorrectionLevel: "M", width: 320 }))
      .then((url) => live && setSrc(url))
      .catch(() => live && setSrc(null));
    return () => { live = false; };
  }, [text]);
  if (!src) return <Skeleton className="h-40 w-40" />;
  return <img src={src} alt={alt} width={160} height={160} className="rounded-lg bg-white p-1" data-testid="share-qr" />;
}
