import { withEnv } from './env.ts';

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
  return withEnv(
    {
      ...Object.fromEntries(names.map((name) => [name, undefined])),
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/bosun-test/credentials',
      AWS_CONFIG_FILE: '/nonexistent/bosun-test/config',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...(credentials !== undefined && { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey }),
    },
    body,
  );
}
