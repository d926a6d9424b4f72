/** The run command's help (`ibm-flowlogs run --help`), in a module of its own. */
export const RUN_HELP = `ibm-flowlogs run <preview|up|refresh|destroy> [options]
ibm-flowlogs run import <type> <name> <id> [options]

The offline runner, for demos and tests on machines without the Pulumi CLI; real deployments use
\`pulumi preview\` and \`pulumi up\` (README: "With a real Pulumi CLI"). It plays the engine's part: runs the
TypeScript program under pulumi.runtime.setMocks, sends every ibmflowlogs registration to the real plugin process
over gRPC (Check, Diff, Create, Update or replace, Delete; with preview set in a preview), applies the resource
options as the engine does (import, ignoreChanges, replaceOnChanges, deleteBeforeReplace, protect, retainOnDelete,
customTimeouts), prints the plan the way Pulumi does with the plugin's warnings, and keeps the stack's state in a
JSON file (secrets are never written).

\`run import\` adopts an existing resource as \`pulumi import\` does: it reads it by id, checks it, writes it to the
state (protected, unless --protect=false) and prints the code to paste into the program.

  --cwd DIR            the project directory (Pulumi.yaml and the program; default ".")
  --stack NAME         the stack: its config comes from DIR/Pulumi.NAME.yaml (default "dev"); a stack with no such
                       file and no state is refused when other stacks have one (a typo)
  --state FILE         the state file (default DIR/.pulumi-offline/NAME.json)
  --emulator FILE      the endpoints line that \`ibm-flowlogs emulator\` prints, in a file: every provider talks
                       to that emulator, whatever the config says (secure: values it sets need no decrypting)
  --config KEY=VALUE   stack config for this run, repeatable (e.g. --config ibmflowlogs:region=us-south)
  --protect=false      run import: do not mark the imported resource as protected
  --verbose            show the plugin's debug messages and the whole stack of a program's error

Runs ibmflowlogs resources, functions and explicit providers, component resources, and @pulumi/random's RandomId,
RandomString, RandomPet, RandomInteger and RandomUuid with real randomness kept in the state. Other packages are
refused by name; a secure config value must reach the run another way (--emulator, its environment variable, or
--config), and the refusal names which. Exit status: 0 done, 1 a resource or the program failed, 2 usage.
`;
