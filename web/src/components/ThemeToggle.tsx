import { useState } from "react";
import { Icon } from "@/components/icons";
import { getThemeChoice, setThemeChoice, type ThemeChoice } from "@/lib/theme";

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(getThemeChoice);
  const order: ThemeChoice[] = ["system", "light", "dark"];
  const next = order[(order.indexOf(choice) + 1) % order.length];
  const icon = ({ system: "half", light: "sun", dark: "moon" } as const)[choice];
  return (
    <button
      type="button"
      className="btn-ghost px-2.5"
      aria-label={`Theme: ${choice}. Switch to ${next}`}
      title={`Theme: ${choice}`}
      onClick={() => { setThemeChoice(next); setChoice(next); }}
    >
      <Icon name={icon} />
    </button>
  );
}
