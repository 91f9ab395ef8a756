// Whether this browser plays a stand-in (the original, copied into an MP4 while the video
// is processed): the server names its codecs, the browser alone knows what it decodes.

/** The part of the browser asked: a media element's canPlayType, and MediaSource's
 * isTypeSupported where there is one (it knows more codecs' details on some browsers). */
export interface Decoders {
  canPlayType(type: string): string;
  isTypeSupported?: (type: string) => boolean;
}

function browserDecoders(): Decoders | null {
  if (typeof document === "undefined") return null;
  const el = document.createElement("video");
  const source = typeof MediaSource !== "undefined" ? MediaSource : undefined;
  return {
    canPlayType: (type) => el.canPlayType(type),
    isTypeSupported: source ? (type) => source.isTypeSupported(type) : undefined,
  };
}

/** True when `type` (`video/mp4; codecs="..."`) will play: "probably" or "maybe" from
 * canPlayType, or MediaSource says yes. */
export function browserPlays(type: string | null | undefined, decoders: Decoders | null = browserDecoders()): boolean {
  if (!type || !decoders) return false;
  if (decoders.canPlayType(type) !== "") return true;
  return decoders.isTypeSupported?.(type) ?? false;
}
