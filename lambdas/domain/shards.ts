/**
 * Write sharding: the one way a key is spread over a fixed number of rows or index partitions, so that no
 * single DynamoDB key takes every write. Readers always read every shard, so the spread may change between
 * releases without losing anything.
 */

/** A key's shard among `shards`: FNV-1a of the key, stable across processes and releases, cheap, well spread. */
export const shardOf = (key: string, shards: number): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return hash % shards;
};
