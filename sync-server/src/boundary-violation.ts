import { readOutlet } from '../projector/src/index';
export const x = readOutlet;
