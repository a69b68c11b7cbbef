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

/** Makes sure the capture image is here: present, or pulled because the user agreed; otherwise asks, as data. */
export async function ensureCaptureImage(docker: Docker, image: string, allowPull: boolean): Promise<void> {
  if (await imagePresent(docker, image)) return;
  const size = image === defaultCaptureImage.name ? defaultCaptureImage.approxSize : 'size unknown until pulled';
  if (!allowPull) {
    throw new KindscopeError(
      'CONSENT_REQUIRED',
      `The capture needs the image ${image} (tcpdump and arping; ${size}), which is not on this engine`,
      'Agree to pull it once (CLI: --pull; app: "Pull and capture"), pull it yourself with `docker pull`, or set KINDSCOPE_CAPTURE_IMAGE to an image you have with tcpdump and arping.',
    );
  }
  try {
    await pullImage(docker, image);
  } catch (error) {
    throw new KindscopeError(
      'CAPTURE_FAILED',
      `Pulling ${image} failed: ${(error as Error).message}`,
      'Check the engine reaches the registry, or set KINDSCOPE_CAPTURE_IMAGE to a local image with tcpdump and arping.',
      { cause: error },
    );
  }
}
