// The house's import rules (docs/architecture.md draws them): no circles, and every layer imports only
// itself and the layers below it. `npm run deps` checks src/ against them; CI runs it after lint.
//
//   common ← etd ← state ← window ← match ← search ← config ← notify, report ← main, index
//                                                      respond ← main, index (beside notify, using it)
//
// config/ sits above the layers whose settings it parses (it reads their limits and types) and below the
// channels and the entry that take the parsed settings. simulator/ stands beside the house: it may use
// common/ and etd/'s wire types, and only tests, scripts and the demo (outside src/) may import it.

/** A rule that `layer` imports nothing in src/ but the folders in `allowed` (itself included). */
function layer(name, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: `^src/${name}/` },
    to: { path: '^src/', pathNot: `^src/(${allowed.join('|')})/` }
  }
}

const COMMON = ['common']
const ETD = [...COMMON, 'etd']
const STATE = [...ETD, 'state']
const WINDOW = [...STATE, 'window']
const MATCH = [...WINDOW, 'match']
const SEARCH = [...MATCH, 'search']
const CONFIG = [...SEARCH, 'config']
const CHANNELS = [...CONFIG, 'notify', 'report']

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle makes load order matter and the layers meaningless: break it with a lower module.',
      severity: 'error',
      from: {},
      to: { circular: true }
    },
    layer('common', COMMON, 'common/ is the ground floor: helpers that know nothing of ETD, state or channels.'),
    layer('etd', ETD, 'etd/ speaks to ETD; it words its own errors with common/ helpers.'),
    layer('state', STATE, 'state/ remembers; spans of time come as common/time TimeSpan, not from window/.'),
    layer('window', WINDOW, 'window/ plans what to search from the state it is given.'),
    layer('match', MATCH, 'match/ decides which messages concern the watch.'),
    layer('search', SEARCH, 'search/ pages through ETD over a planned window and matches what comes back.'),
    layer('config', CONFIG, 'config/ parses inputs into the settings of the layers below it.'),
    layer('notify', CHANNELS, 'notify/ tells people; it may use the report, never the entry.'),
    layer('report', CHANNELS, 'report/ writes the run report beside the channels.'),
    layer(
      'respond',
      [...CHANNELS, 'respond'],
      'respond/ answers commands from comments on the floor of the channels: it writes to issues with notify/issue.'
    ),
    {
      name: 'simulator-stands-apart',
      comment: 'The simulator is a test and demo tool: it may use common/ and etd/ types, nothing else in src/.',
      severity: 'error',
      from: { path: '^src/simulator/' },
      to: { path: '^src/', pathNot: '^src/(common|etd|simulator)/' }
    },
    {
      name: 'nothing-ships-the-simulator',
      comment: 'Only tests, scripts and the demo (outside src/) may import the simulator.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/simulator/' },
      to: { path: '^src/simulator/' }
    },
    {
      name: 'nothing-imports-the-entry',
      comment: 'main.ts and index.ts are the top floor: no module imports them but index.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/(main|index)\\.ts$' }
    },
    {
      name: 'known-folders-only',
      comment: 'A new folder under src/ needs its place in the layers above and in docs/architecture.md.',
      severity: 'error',
      from: { path: '^src/' },
      to: {
        path: '^src/[^/]+/',
        pathNot: '^src/(common|etd|state|window|match|search|config|notify|report|respond|simulator)/'
      }
    }
  ],
  options: {
    // Type-only imports count: a circle through types is still a circle in the picture of the house.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.json$' }
  }
}
