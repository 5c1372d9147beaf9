// Starts the Salesforce API emulator with the routes provisioning uses (REST data + Tooling,
// Connect, Metadata SOAP) plus any extra route modules, on an org seeded "empty but deployed".
// See server.ts for how route modules, state, faults and the call log work.
import { Emulator, type EmulatorModule } from './server.ts';
import { metadataRoutes } from './routes/metadata.ts';
import { restRoutes } from './routes/rest.ts';
import { setupRoutes } from './routes/setup.ts';
import { seedDeployedOrg, type SeedOptions } from './seed.ts';

export { Emulator, type EmulatorModule } from './server.ts';
export type { CallRecord, Fault, FaultEffect, EmulatorRequest, EmulatorReply } from './server.ts';
// Messaging for In-App and Web (the MIAW API a custom client calls), routed by the project's flow.
export {
    channelVerifiesUsers,
    dropEventStreams,
    findDeployment,
    miawRoutes,
    miawState,
    onlyConversation,
    pushAgentReply,
    setChannelAuthMode,
    stallEventStreams,
    waitForConversation,
    type DeploymentInfo,
    type MiawOptions,
    type MiawState
} from './routes/miaw.ts';
// The event router's wire format, written independently of the client's parser.
export { salesforceEvent, salesforcePing, type WireEvent } from './routes/miaw-events.ts';
// OpenCX's API (GET/PATCH /chat/sessions/{id}) and the org's verdict on end (docs/beyond-handoff.md).
export {
    addOpenCxSession,
    endMessagingSession,
    opencxApiRoutes,
    opencxApiState,
    type OpenCxSession
} from './routes/opencx-api.ts';
export { OrgState, RecordError, RecordStore } from './state.ts';
// The org's Platform Cache capacity and what its partitions allocate (seed option platformCacheMb).
export {
    allocatedMb,
    orgCacheMb,
    platformCacheCapacity,
    setPlatformCacheCapacity
} from './routes/platform-cache.ts';

export interface StartOptions extends SeedOptions {
    /** Extra route modules; registered first, so their routes win over the built-in ones. */
    modules?: EmulatorModule[];
    /** Skip seeding (an empty org with no sObject types defined). */
    empty?: boolean;
}

/** A started emulator (listening on 127.0.0.1, random port); call stop() when done. */
export async function startEmulator(options: StartOptions = {}): Promise<Emulator> {
    const emulator = new Emulator();
    if (!options.empty) seedDeployedOrg(emulator.state, options);
    emulator.use(...(options.modules ?? []), setupRoutes, metadataRoutes, restRoutes);
    await emulator.start();
    return emulator;
}
