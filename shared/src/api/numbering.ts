/** Who numbers an outlet's orders, as the back-office shows and moves it (issue 14). */
import { z } from 'zod';

/** POST /api/outlets/:outlet/numbering (owner): move the numbering authority. */
export const numberingMoveBody = z.object({
  /** 'cloud', or the device id of a paired LAN box of this outlet. */
  to: z.union([z.literal('cloud'), z.object({ box: z.string().min(1).max(200) })]),
  /** The current authority is a box that is gone (broken, stolen) and will never release. */
  force: z.boolean().default(false),
});
export type NumberingMoveBody = z.input<typeof numberingMoveBody>;

export interface NumberingHandOverView {
  epoch: number;
  from: NumberingPartyView;
  to: NumberingPartyView;
  at: string;
  reason: 'box_paired' | 'box_replaced' | 'box_retired' | 'moved';
  force: boolean;
  /** When the previous authority released (null: not yet, or forced). */
  releasedAt: string | null;
}

/** The cloud, or a box by its name (never a raw id on screen). */
export interface NumberingPartyView {
  kind: 'cloud' | 'box';
  /** Device id of the box (for the move request), null for the cloud. */
  boxId: string | null;
  /** The box's name as paired; null for the cloud or a box no longer known. */
  name: string | null;
}

/** GET /api/outlets/:outlet/numbering */
export interface NumberingView {
  current: NumberingPartyView;
  /** The hand-over in force is waiting for the previous authority to release (new numbers wait too). */
  waitingForRelease: boolean;
  history: NumberingHandOverView[];
  /** Paired, unrevoked boxes of the outlet (possible new authorities). */
  boxes: NumberingPartyView[];
}
