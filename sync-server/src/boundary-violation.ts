import { startProjector } from '../../projector/src/index';
export const x = startProjector;
