// The offline page's retry: look for the server every few seconds and go back to the app
// as soon as it answers (a script file, since no inline script may run here, and not a
// meta refresh, which reloads a page under someone reading it).
const RETRY_MS = 5000;

async function serverIsBack() {
  try {
    const answer = await fetch("/api/health", { cache: "no-store" });
    return answer.ok;
  } catch {
    return false;
  }
}

async function retry() {
  if (await serverIsBack()) location.reload();
  else setTimeout(retry, RETRY_MS);
}

setTimeout(retry, RETRY_MS);
