/**
 * Runs `body` with these environment variables set (undefined: unset), then puts back what
 * they were, whatever `body` did.
 */
export async function withEnv<T>(vars: Readonly<Record<string, string | undefined>>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  setEnv(vars);
  try {
    return await body();
  } finally {
    setEnv(saved);
  }
}

function setEnv(vars: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
