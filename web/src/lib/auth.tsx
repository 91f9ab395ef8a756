import { createContext, startTransition, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api, onUnauthorized, tokenStore } from "./api";
import type { Session, User } from "./types";

interface AuthState {
  user: User | null;
  loading: boolean;
  signIn(session: Session): void;
  signOut(options?: { everywhere?: boolean }): Promise<void>;
}

const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(() => tokenStore.get() != null);
  const queryClient = useQueryClient();

  const clear = useCallback(() => {
    tokenStore.set(null);
    setUser(null);
    queryClient.clear();
  }, [queryClient]);

  useEffect(() => {
    if (!tokenStore.get()) return;
    // Only a refusal ends the session (a 401 clears it through onUnauthorized); a request
    // cut short by a reload or a dropped network must not throw the token away. The
    // signed-in screen that follows renders as a transition, yielding to the browser.
    api.get<User>("/api/auth/me").then(
      (me) => startTransition(() => { setUser(me); setLoading(false); }),
      () => startTransition(() => setLoading(false)),
    );
  }, [clear]);

  useEffect(() => onUnauthorized(clear), [clear]);

  const signIn = useCallback((session: Session) => {
    tokenStore.set(session.access_token);
    queryClient.clear();
    setUser(session.user);
  }, [queryClient]);

  const signOut = useCallback(async ({ everywhere = true } = {}) => {
    if (everywhere) await api.post("/api/auth/logout").catch(() => undefined);
    clear();
  }, [clear]);

  const value = useMemo(() => ({ user, loading, signIn, signOut }), [user, loading, signIn, signOut]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useAuth outside AuthProvider");
  return ctx;
}
