import { execFileSync } from 'node:child_process';

/** CI systems' variables naming who started the job, most specific first. */
const CI_ACTORS = ['GITHUB_ACTOR', 'GITLAB_USER_LOGIN', 'BUILDKITE_BUILD_CREATOR', 'CIRCLE_USERNAME', 'BITBUCKET_STEP_TRIGGERER_UUID', 'BUILD_REQUESTEDFOR', 'JENKINS_USER_ID'] as const;

function gitUser(cwd: string): string | null {
  try {
    const name = execFileSync('git', ['config', 'user.name'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    return name || null;
  } catch {
    return null; // no git, or no user.name configured
  }
}

/**
 * Who approves, for the record each approval leaves: in CI the variable naming who started the job
 * (`github:octocat`), else git's `user.name`, else `$USER`, else `unknown`.
 */
export function approverName(env: Record<string, string | undefined>, cwd: string): string {
  if (env.CI) {
    for (const v of CI_ACTORS) if (env[v]) return `${v.split('_')[0]!.toLowerCase()}:${env[v]}`;
  }
  return gitUser(cwd) ?? env.USER ?? env.USERNAME ?? 'unknown';
}
