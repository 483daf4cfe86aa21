import type { AuthTables } from './auth';
import type { OfficeTables } from './office';
import type { OrderTables } from './orders';
import type { RelayTables } from './update-log';

/** Every table Kysely knows about; each part owns one file under `tables/`. */
export interface Database extends RelayTables, OrderTables, OfficeTables, AuthTables {}
