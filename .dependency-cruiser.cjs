/** Module boundaries of ARCHITECTURE.md, checked in CI (`npm run depcheck`). */
const centre = '^(hub|broker|ground-station|analytics|cli|bench|test)/';
module.exports = {
  forbidden: [
    {
      name: 'protocol-is-pure',
      comment: 'protocol/ imports nothing of ours and no Node built-ins (the cockpit uses it too)',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { pathNot: ['^protocol/', '^node_modules/typebox'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'common-only-protocol',
      severity: 'error',
      from: { path: '^common/' },
      to: { path: '^(edge|broker|ground-station|analytics|hub|cockpit|cli)/' },
    },
    {
      name: 'edge-knows-only-the-wire',
      comment: 'a field device knows only protocol/ and common/',
      severity: 'error',
      from: { path: '^edge/' },
      to: { path: centre },
    },
    {
      name: 'edge-not-cockpit',
      severity: 'error',
      from: { path: '^edge/' },
      to: { path: '^cockpit/' },
    },
    {
      name: 'cockpit-only-protocol',
      comment: 'the cockpit knows only protocol/ and the HTTP/WebSocket API',
      severity: 'error',
      from: { path: '^cockpit/' },
      to: { path: '^(common|edge|broker|ground-station|analytics|hub|cli)/' },
    },
    {
      name: 'services-not-edge-or-cockpit',
      comment: 'the detector training (offline, not run by the hub) renders its data with the edge simulator',
      severity: 'error',
      from: { path: '^(broker|ground-station|analytics|hub)/', pathNot: '^analytics/detection/training/' },
      to: { path: '^(edge|cockpit|cli)/' },
    },
    {
      name: 'broker-not-hub',
      comment: 'the broker gets device authentication injected; it does not import the hub',
      severity: 'error',
      from: { path: '^broker/' },
      to: { path: '^(hub|ground-station|analytics)/' },
    },
    {
      name: 'sql-only-in-repositories',
      comment: 'inside hub/, only repositories, db/ and seed/ talk to pg',
      severity: 'error',
      from: { path: '^hub/', pathNot: '^hub/(repositories|db)/' },
      to: { path: '^node_modules/pg/' },
    },
    {
      name: 'no-circular',
      comment: 'static import cycles; a lazily loaded page importing back the router that loads it is fine',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['dynamic-import'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['cockpit/dist', '\\.test\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
