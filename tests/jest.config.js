module.exports = {
  ...require('../jest.preset.js'),
  // This workspace's suites (crash, simulation seeds, the node-wide security suite) are the
  // longest of `npm test` and usually run last, when the other workspaces are done: two
  // workers keep both cores busy instead of one.
  maxWorkers: 2,
};
