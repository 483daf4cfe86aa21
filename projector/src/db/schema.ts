import type { OfficeTables } from './tables/office';
import type { OrderTables } from './tables/orders';
import type { RelayTables } from './tables/relay';

/** Every table Kysely knows about; each part owns one file under `tables/`. */
export interface Database extends RelayTables, OrderTables, OfficeTables {}
