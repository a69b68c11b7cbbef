import type Docker from 'dockerode';
import { KindscopeError } from '../../contract';
import { imagePresent, pullImage } from './node-capture';

/**
 * The image the capture and the ARP request run from: it needs `tcpdump` and `arping`.
 * netshoot is the common "network debugging" image with both; its size is shown before the
 * one pull the user agrees to. `KINDSCOPE_CAPTURE_IMAGE` chooses another (the test lab
 * points it at its tools image: no registry there, so tests never pull).
 */
export const defaultCaptureImage = {
  name: 'docker.io/nicolaka/netshoot:v0.13',
  approxSize: 'about 200 MB (compressed, linux/amd64 as listed on Docker Hub; check before pulling on a metered link)',
};

export function captureImageName(env: NodeJS.ProcessEnv = process.env): string {
  return env.KINDSCOPE_CAPTURE_IMAGE?.trim() || defaultCaptureImage.name;
}

/** What the image is for, said with the question (issue 28: the drill asked without saying why). */
export const captureImagePurpose = {
  capture: "The ARP capture runs tcpdump and arping in a helper container on the lease holder's network",
  failover:
    'The failover drill listens with tcpdump on every node that may take the IP over, to see which one announces it',
} as const;

/** How to bring the image to an engine that cannot pull it (offline, or the registry refused). */
export function offlineImageHint(image: string): string {
  const file = `${image
    .split('/')
    .pop()!
    .replace(/[:@].*$/, '')}.tar`;
  return (
    `Set KINDSCOPE_CAPTURE_IMAGE to an image on this engine that has tcpdump and arping, or load this one offline: ` +
    `on a machine that can pull, \`docker pull ${image}\` then \`docker save ${image} -o ${file}\`; ` +
    `copy ${file} here and run \`docker load -i ${file}\`.`
  );
}

/** Makes sure the capture image is here: present, or pulled because the user agreed; otherwise asks, as data. */
export async function ensureCaptureImage(
  docker: Docker,
  image: string,
  allowPull: boolean,
  purpose: keyof typeof captureImagePurpose = 'capture',
): Promise<void> {
  if (await imagePresent(docker, image)) return;
  const size = image === defaultCaptureImage.name ? defaultCaptureImage.approxSize : 'size unknown until pulled';
  if (!allowPull) {
    throw new KindscopeError(
      'CONSENT_REQUIRED',
      `${captureImagePurpose[purpose]}: it needs the image ${image} (${size}), which is not on this engine.`,
      'Agree to pull it once (CLI: --pull; app: ' +
        `"Pull and ${purpose === 'failover' ? 'run the drill' : 'capture'}"), ` +
        `pull it yourself with \`docker pull ${image}\`, ` +
        `or ${offlineImageHint(image).replace(/^Set/, 'set')}`,
    );
  }
  try {
    await pullImage(docker, image);
  } catch (error) {
    throw new KindscopeError(
      'CAPTURE_FAILED',
      `Pulling ${image} failed: the engine cannot reach the registry, or the registry refused ` +
        `(Docker said: ${(error as Error).message.trim().replace(/\.$/, '')}).`,
      offlineImageHint(image),
      { cause: error },
    );
  }
}
