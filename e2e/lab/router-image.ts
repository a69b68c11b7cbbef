/** Prints the lab's router image tag, building it first when missing (the docker stand-in's mapping, wrappers.ts). */
import { ensureRouterImage } from './images.ts';

process.stdout.write(`${ensureRouterImage()}\n`);
