// Text with its timestamps ("1:23", "0:05:10") as buttons that seek the player: used for
// comments and a video's description alike.
import { splitTimestamps } from "@/lib/format";

export function TimestampText({ text, onSeek }: { text: string; onSeek?: (seconds: number) => void }) {
  return (
    <>
      {splitTimestamps(text).map((part, i) =>
        "seconds" in part && onSeek ? (
          <button key={i} type="button" className="font-medium text-brand-500 hover:underline" onClick={() => onSeek(part.seconds)} aria-label={`Jump to ${part.label}`} data-testid="text-timestamp">
            {part.label}
          </button>
        ) : (
          <span key={i}>{"text" in part ? part.text : part.label}</span>
        ),
      )}
    </>
  );
}
