/**
 * Runs `body` with AWS settings in the environment such that the SDK finds
 * exactly the credentials given (or none at all): shared config files point
 * at files that do not exist, the instance metadata service is disabled, and
 * every other credential source is unset. The environment is restored after.
 */
export async function withAwsEnv<T>(
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined,
  body: () => Promise<T>,
): Promise<T> {
  const names = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_CONFIG_FILE',
    'AWS_EC2_METADATA_DISABLED',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_ROLE_ARN',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ENDPOINT_URL',
    'AWS_ENDPOINT_URL_EC2',
    'AWS_MAX_ATTEMPTS',
    'AWS_RETRY_MODE',
  ];
  const saved = new Map(names.map((n) => [n, process.env[n]]));
  for (const n of names) delete process.env[n];
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/bosun-test/credentials';
  process.env.AWS_CONFIG_FILE = '/nonexistent/bosun-test/config';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  if (credentials !== undefined) {
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  }
  try {
    return await body();
  } finally {
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
  }
}
