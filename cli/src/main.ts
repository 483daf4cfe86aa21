/**
 * The `kiosk` command: one entry for operators, scripts and tests.
 *
 *   kiosk start [--port 8080]   relay + API + client + projector in one process
 *   kiosk serve                 relay + API + client (LAN box: --upstream wss://… --upstream-token T)
 *   kiosk project               projector only
 *   kiosk migrate | seed-demo | rebuild | verify
 *   kiosk token --tenant T --outlet O --role R [--device ID] [--ttl SECONDS]
 *   kiosk pairing-code --tenant T --outlet O   (on a paired box: its outlet, no flags)
 *   kiosk box pair --cloud https://cloud.example --code CODE [--name "Shop box"]
 */
import { parseArgs } from 'node:util';
import { TOKEN_ROLES } from '@kiosk/shared';
import { ConfigError, configParseOptions, resolveConfig, type KioskConfig } from './config';
import { runCommand, type CommandName, COMMANDS } from './commands';

const USAGE = `usage: kiosk <command> [options]

commands:
  start          relay + back-office API + client + projector, one process (default PGlite in ./data)
  serve          relay + API + client only (add --upstream/--upstream-token for a LAN box)
  project        projector only
  migrate        apply database migrations
  seed-demo      create the demo tenant 'demo', outlet 'main'
  token          print a signed token: --tenant T --outlet O --role ${TOKEN_ROLES.join('|')} [--device ID] [--ttl SECONDS]
  pairing-code   print a device pairing code: --tenant T --outlet O (on a paired box: its own outlet, works offline)
  box pair       pair this machine as its outlet's LAN box: --cloud https://cloud.example --code CODE [--name "Shop box"]
                 (writes <data-dir>/box.json; start/serve then run as the box, no --upstream needed)
  rebuild        re-project the update log into a shadow schema, swap it in in one transaction
  verify         re-fold every document and compare with the rows; exit 1 on any difference

options (each also from the environment, see README): --port --host --data-dir --database-url
  --secret --upstream --upstream-token --demo --projector-mode --trust-proxy --metrics-token
  --tls auto|true|false (--no-tls) --tls-names --tls-cert --tls-key --mdns auto|on|off`;

async function main(argv: string[]): Promise<number> {
  const [command, ...afterCommand] = argv;
  // `kiosk box pair …`: the one command with a subcommand.
  const subcommand = command === 'box' ? afterCommand[0] : undefined;
  const rest = command === 'box' ? afterCommand.slice(1) : afterCommand;
  if (command === 'box' && subcommand !== 'pair') {
    console.error(`kiosk box: unknown subcommand ${JSON.stringify(subcommand ?? '')} (try \`kiosk box pair --cloud https://… --code CODE\`)\n${USAGE}`);
    return 2;
  }
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    console.error(`kiosk: unknown command ${JSON.stringify(command)}\n${USAGE}`);
    return 2;
  }
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: rest,
      options: {
        ...configParseOptions(),
        tenant: { type: 'string' },
        outlet: { type: 'string' },
        role: { type: 'string' },
        device: { type: 'string' },
        ttl: { type: 'string' },
        cloud: { type: 'string' },
        code: { type: 'string' },
        name: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    console.error(`kiosk ${command}: ${(error as Error).message}`);
    return 2;
  }
  let config: KioskConfig;
  try {
    config = resolveConfig(flags as Record<string, string | undefined>, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`kiosk: ${error.message}`);
      return 2;
    }
    throw error;
  }
  return runCommand(command as CommandName, config, flags as Record<string, string | undefined>);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exit(code);
  },
  (error: unknown) => {
    console.error(`kiosk: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.KIOSK_DEBUG) console.error(error);
    process.exit(1);
  },
);
