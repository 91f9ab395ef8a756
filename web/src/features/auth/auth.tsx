// Signed-out screens: first run, sign in, register from an invitation; and change password.
import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { api, ApiError, errorMessage, tokenStore } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { timeUntil } from "@/lib/format";
import { useToast } from "@/lib/toast";
import { keys, useSetup } from "@/lib/queries";
import type { Answer, InvitationCheck, Session } from "@/lib/types";
import { AuthFrame } from "./AuthFrame";
import { Field, FormError } from "@/components/Field";
import { Skeleton } from "@/components/ui";

function useSubmit<T>(fn: () => Promise<T>, done: (r: T) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [field, setField] = useState<string | undefined>();
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setField(undefined);
    try {
      done(await fn());
    } catch (err) {
      setError(errorMessage(err));
      setField(err instanceof ApiError ? err.field : undefined);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, field, onSubmit };
}

const MIN_PASSWORD = 10; // the server's rule (clipset/passwords.py)
function passwordProblem(pw: string, confirm: string): string | null {
  if (pw.length < MIN_PASSWORD) return `Use at least ${MIN_PASSWORD} characters.`;
  if (pw !== confirm) return "The passwords don't match.";
  return null;
}

export function SetupPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Away from the computer that runs Clipset, setup also takes the code its log and tray show.
  const setup = useSetup();
  const needsCode = !!setup.data?.setup_code_required;
  const [form, setForm] = useState({ username: "", email: "", password: "", confirm: "", code: "" });
  const problem = passwordProblem(form.password, form.confirm);
  const { busy, error, onSubmit } = useSubmit(
    () => {
      if (problem) return Promise.reject(new Error(problem));
      return api.post<Session>("/api/setup", {
        username: form.username, password: form.password, email: form.email || undefined,
        setup_code: needsCode ? form.code : undefined,
      });
    },
    (s) => { signIn(s); queryClient.setQueryData(keys.setup(), (old: Answer<"/api/setup"> | undefined) => ({ setup_code_required: false, ...old, needs_setup: false })); navigate("/", { replace: true }); },
  );
  return (
    <AuthFrame title="Welcome to Clipset" subtitle="Create the admin account. You can invite everyone else afterwards.">
      <form onSubmit={onSubmit} noValidate>
        <FormError error={error} />
        <Field label="Username" name="username" autoComplete="username" required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        <Field label="Email (optional)" name="email" type="email" autoComplete="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} hint={`At least ${MIN_PASSWORD} characters.`} />
        <Field label="Confirm password" name="confirm" type="password" autoComplete="new-password" required value={form.confirm} onChange={(e) => setForm({ ...form, confirm: e.target.value })} />
        {needsCode && (
          <Field label="Setup code" name="setup_code" inputMode="numeric" autoComplete="one-time-code" required value={form.code} onChange={(e) => setForm({ ...form, code: e.target.value })} hint="Shown in Clipset's log and tray menu on the computer that runs it." />
        )}
        <button className="btn-primary w-full" disabled={busy || !form.username}>{busy ? "Creating…" : "Create admin account"}</button>
      </form>
    </AuthFrame>
  );
}

export function LoginPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/";
  const [form, setForm] = useState({ username: "", password: "" });
  const { busy, error, onSubmit } = useSubmit(
    () => api.post<Session>("/api/auth/login", form),
    (s) => { signIn(s); navigate(from, { replace: true }); },
  );
  return (
    <AuthFrame title="Sign in to Clipset">
      <form onSubmit={onSubmit}>
        <FormError error={error} />
        <Field label="Username" name="username" autoComplete="username" required autoFocus value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        <button className="btn-primary w-full" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
      </form>
      <p className="mt-4 text-center text-xs text-zinc-600 dark:text-zinc-400">Clipset is invite-only. Ask whoever runs it for an invitation link.</p>
    </AuthFrame>
  );
}

export function RegisterPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const check = useQuery({
    queryKey: ["invitation", token],
    queryFn: () => api.get<InvitationCheck>(`/api/invitations/validate/${encodeURIComponent(token)}`),
    enabled: !!token,
    retry: false,
  });
  const [form, setForm] = useState({ username: "", email: "", password: "", confirm: "" });
  const problem = passwordProblem(form.password, form.confirm);
  const { busy, error, onSubmit } = useSubmit(
    () => {
      if (problem) return Promise.reject(new Error(problem));
      return api.post<Session>("/api/auth/register", {
        invitation_token: token, username: form.username, password: form.password, email: form.email || undefined,
      });
    },
    (s) => { signIn(s); navigate("/", { replace: true }); },
  );

  if (!token) {
    return <AuthFrame title="Invitation needed"><p className="text-sm">This page needs an invitation link. Ask whoever runs Clipset to send you one.</p><Link className="btn-ghost mt-4 w-full" to="/login">Go to sign in</Link></AuthFrame>;
  }
  if (check.isLoading) {
    return <AuthFrame title="Checking your invitation…"><Skeleton className="h-10" /></AuthFrame>;
  }
  if (check.error) {
    const err = check.error;
    const why = err instanceof ApiError && err.status === 404
      ? "This invitation link isn't valid. Check that you copied the whole link."
      : errorMessage(err);
    return (
      <AuthFrame title="This invitation can't be used">
        <p role="alert" className="text-sm" data-testid="invitation-problem">{why}</p>
        <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">Ask for a new invitation link.</p>
        <Link className="btn-ghost mt-4 w-full" to="/login">Go to sign in</Link>
      </AuthFrame>
    );
  }
  const expires = check.data?.expires_at;
  return (
    <AuthFrame title="Join Clipset" subtitle={expires ? `Your invitation expires ${timeUntil(expires)} (${new Date(expires).toLocaleString()}).` : undefined}>
      <form onSubmit={onSubmit} noValidate>
        <FormError error={error} />
        <Field label="Username" name="username" autoComplete="username" required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        <Field label="Email (optional)" name="email" type="email" autoComplete="email" value={form.email || check.data?.email || ""} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} hint={`At least ${MIN_PASSWORD} characters.`} />
        <Field label="Confirm password" name="confirm" type="password" autoComplete="new-password" required value={form.confirm} onChange={(e) => setForm({ ...form, confirm: e.target.value })} />
        <button className="btn-primary w-full" disabled={busy || !form.username}>{busy ? "Creating account…" : "Create account"}</button>
      </form>
    </AuthFrame>
  );
}

export function ChangePasswordPage() {
  const toast = useToast();
  const navigate = useNavigate();
  const [form, setForm] = useState({ current: "", next: "", confirm: "" });
  const problem = passwordProblem(form.next, form.confirm);
  const { busy, error, onSubmit } = useSubmit(
    () => {
      if (problem) return Promise.reject(new Error(problem));
      return api.patch<Session>("/api/auth/password", { current_password: form.current, new_password: form.next });
    },
    (s) => {
      if (s?.access_token) tokenStore.set(s.access_token);
      toast.show("Password changed. Other devices have been signed out.", "success");
      navigate("/");
    },
  );
  return (
    <div className="mx-auto max-w-sm px-4 py-8">
      <h1 className="mb-4 text-2xl font-bold">Change password</h1>
      <form onSubmit={onSubmit} className="card p-6" noValidate>
        <FormError error={error} />
        <Field label="Current password" type="password" autoComplete="current-password" required value={form.current} onChange={(e) => setForm({ ...form, current: e.target.value })} />
        <Field label="New password" type="password" autoComplete="new-password" required value={form.next} onChange={(e) => setForm({ ...form, next: e.target.value })} hint={`At least ${MIN_PASSWORD} characters.`} />
        <Field label="Confirm new password" type="password" autoComplete="new-password" required value={form.confirm} onChange={(e) => setForm({ ...form, confirm: e.target.value })} />
        <button className="btn-primary w-full" disabled={busy}>{busy ? "Saving…" : "Change password"}</button>
      </form>
    </div>
  );
}
