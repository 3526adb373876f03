/**
 * The console's view of the store connectors: whether each store's secret is set (the settings answers
 * carry it; the secret itself never leaves), and the deliveries each store sent lately.
 */
import { NotFoundError } from '../runtime/errors';
import { connectorsView, isConnectorName, type ConnectorsView } from '../domain/connectors';
import { getConnectorSecrets, latestDeliveries } from '../store/connector-store';

export const connectorsForConsole = async (): Promise<ConnectorsView> =>
  connectorsView(await getConnectorSecrets());

/** A store's latest deliveries, newest first; an unknown store name is not found. */
export const connectorDeliveries = async (rawName: string) => {
  if (!isConnectorName(rawName)) throw new NotFoundError(`No connector ${rawName.slice(0, 40)}`);
  return { items: await latestDeliveries(rawName) };
};
