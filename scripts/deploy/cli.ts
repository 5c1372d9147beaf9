// Command line of `npm run deploy`: flags and --help (the shared shape is scripts/lib/cli.ts).
import { resolve } from 'node:path';
import {
    ORG_FLAGS,
    OUTPUT_FLAGS,
    orgTarget,
    parseFlags,
    usageError,
    type OrgTargetFlags
} from '../lib/cli.ts';
import {
    isVisitorVerification,
    VISITOR_VERIFICATION_MODES,
    type VisitorVerification
} from '../lib/visitor-verification.ts';

export const DEFAULT_WAIT_MINUTES = 33;

export const HELP = `Usage: npm run deploy -- --target-org <alias|username> [options]

Deploys force-app in the order Salesforce needs, checks the result, and says what to do next.
  1 references  labels, cache partition, MessagingSession fields, custom metadata, queues, routing
                configuration, presence, the routing flow, and the user-verification key set
                (verified mode, and only when the org does not have it: a deploy would replace the
                key provisioning registered); then the routing flow's latest version is made
                active (a production deploy leaves it inactive)
  2 channel     the messaging channel (its parameter mappings bind only to an active flow) and the
                Embedded Service deployment; then the channel is retrieved and every custom
                parameter's mapping to its flow variable is checked
  3 console     permission sets, custom permissions, record page, Apex classes, LWCs, named and
                external credential (each type's phase: scripts/deploy/phases.ts)
A failing phase stops the run and lists each component's error. The deploy uses the Salesforce
CLI's own library (source-deploy-retrieve) from a temporary copy; your files are not changed.

Options:
  --target-org, -o <alias|username>   org of a stored \`sf\` login (sf org login web --alias <alias>)
  --instance-url <https://...>        connect with the access token in SF_ACCESS_TOKEN instead (CI)
  --visitor-verification verified|open
                                      override visitorVerification of opencx.config.json
                                      (default verified): open deploys the channel without user
                                      verification (authMode UnAuth) and without the key set
  --config <file>                     config file (default: opencx.config.json, optional)
  --validate                          check-only deploy of everything with the test level
                                      production requires (RunLocalTests); prints the quick-deploy id
  --dry-run                           print the phases and their components; touch nothing
  --wait <minutes>                    give up after this long (default ${DEFAULT_WAIT_MINUTES})
  --json                              print one JSON document on stdout and nothing else
  --help, -h                          this text

Environment:
  SF_ACCESS_TOKEN  access token for --instance-url (never printed)

Exit codes: 0 deployed / validated, 1 a phase, the flow activation or the channel check failed,
2 bad usage, config or login.
Next step after a deploy: npm run provision -- --target-org <alias>`;

export interface DeployArgs {
    help: boolean;
    json: boolean;
    dryRun: boolean;
    validate: boolean;
    target: OrgTargetFlags | undefined;
    waitMinutes: number;
    visitorVerification: VisitorVerification | undefined;
    configPath: string;
    configExplicit: boolean;
}

const FLAGS = {
    ...ORG_FLAGS,
    ...OUTPUT_FLAGS,
    'visitor-verification': { type: 'string' },
    config: { type: 'string' },
    validate: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    wait: { type: 'string' }
} as const;

function waitMinutes(value: string | undefined): number {
    if (value === undefined) return DEFAULT_WAIT_MINUTES;
    const minutes = Number(value);
    if (!Number.isFinite(minutes) || minutes <= 0) {
        throw usageError(`--wait takes a number of minutes greater than 0 (got ${value})`);
    }
    return minutes;
}

export function parseDeployArgs(argv: string[], env: NodeJS.ProcessEnv, cwd: string): DeployArgs {
    const values = parseFlags(argv, FLAGS);
    const mode = values['visitor-verification'];
    if (mode !== undefined && !isVisitorVerification(mode)) {
        throw usageError(
            `--visitor-verification takes ${VISITOR_VERIFICATION_MODES.join(' or ')} (got ${mode})`
        );
    }
    const help = values.help === true;
    const dryRun = values['dry-run'] === true;
    const validate = values.validate === true;
    if (dryRun && validate) throw usageError('--dry-run and --validate cannot be combined');
    const hasOrg = Boolean(values['target-org'] || values['instance-url']);
    return {
        help,
        json: values.json === true,
        dryRun,
        validate,
        // A dry run needs no org; anything else needs exactly one way in.
        target: help || (dryRun && !hasOrg) ? undefined : orgTarget(values, env),
        waitMinutes: waitMinutes(values.wait),
        visitorVerification: mode as VisitorVerification | undefined,
        configPath: resolve(cwd, values.config ?? 'opencx.config.json'),
        configExplicit: values.config !== undefined
    };
}
