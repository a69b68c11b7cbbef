import type Docker from 'dockerode';
import type { DockerEngineService } from '../docker/docker-engine-service';
import type { Disposable } from '../util/emitter';
import type { Logger } from '../util/logger';
import { HostViewReader } from './host-view';
import { NetnsReader } from './netns-reader';

/** The readers a snapshot uses, all bound to one engine. */
export interface EngineBoundReaders {
  docker: Docker;
  netns: NetnsReader;
  hostView: HostViewReader;
}

/**
 * The netns helper's lifecycle: readers made for the engine Kindscope follows now. After
 * `retarget` the helper on the old engine is removed there and new readers start afresh on
 * the new one (the old helper's PIDs and image mean nothing there); `dispose` removes the
 * helper, awaited, so a CLI run leaves no container behind.
 */
export class EngineReaders implements Disposable {
  private current: EngineBoundReaders;
  private retiring: Promise<void>[] = [];
  private readonly subscription: Disposable;

  constructor(
    private readonly engine: DockerEngineService,
    private readonly log: Logger,
    /** A fixed host-view reader (tests: a namespace without the bridge). */
    private readonly hostView?: HostViewReader,
  ) {
    this.current = this.make();
    this.subscription = engine.onDidRetarget(() => {
      this.retiring.push(this.current.netns.dispose());
      this.current = this.make();
    });
  }

  /** The readers for the engine followed now. */
  get readers(): EngineBoundReaders {
    return this.current;
  }

  async dispose(): Promise<void> {
    this.subscription.dispose();
    await Promise.all([...this.retiring, this.current.netns.dispose()]);
    this.retiring = [];
  }

  private make(): EngineBoundReaders {
    const docker = this.engine.docker;
    return {
      docker,
      netns: new NetnsReader(docker, this.log),
      hostView: this.hostView ?? new HostViewReader(docker, this.log),
    };
  }
}
