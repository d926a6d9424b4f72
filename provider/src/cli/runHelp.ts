/** The run command's help (`ibm-flowlogs run --help`), in a module of its own. */
export const RUN_HELP = `ibm-flowlogs run <preview|up|refresh|destroy> [options]

The offline runner, for demos and tests on machines without the Pulumi CLI; real deployments use
\`pulumi preview\` and \`pulumi up\` (README: "With a real Pulumi CLI"). It plays the engine's part: runs the
TypeScript program under pulumi.runtime.setMocks, sends every ibmflowlogs registration to the real plugin process
over gRPC (Check, Diff, Create, Update or replace, Delete; with preview set in a preview), prints the plan the way
Pulumi does with the plugin's warnings, and keeps the stack's state in a JSON file (secrets are never written).

  --cwd DIR            the project directory (Pulumi.yaml and the program; default ".")
  --stack NAME         the stack: its config comes from DIR/Pulumi.NAME.yaml (default "dev")
  --state FILE         the state file (default DIR/.pulumi-offline/NAME.json)
  --emulator FILE      the endpoints line that \`ibm-flowlogs emulator\` prints, in a file: every provider talks
                       to that emulator, whatever the config says
  --config KEY=VALUE   stack config for this run, repeatable (e.g. --config ibmflowlogs:region=us-south)
  --verbose            show the plugin's debug messages too

Runs ibmflowlogs resources, functions and explicit providers, component resources, and @pulumi/random's RandomId,
RandomString, RandomPet, RandomInteger and RandomUuid with real randomness kept in the state. Other packages and
secure config values are refused by name. Exit status: 0 done, 1 a resource or the program failed, 2 usage.
`;
