// ESM-only entry: require() of it throws (see session-service.cjs). Import it from an ES module.
export {};
