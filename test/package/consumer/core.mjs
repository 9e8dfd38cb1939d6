// The whole portable core, for the size the tree-shaken consumer is compared with.
export * from "descent";
