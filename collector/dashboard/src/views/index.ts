import type { ViewName } from '../router';
import { alerts } from './alerts';
import { anomalies } from './anomalies';
import { errors } from './errors';
import { funnel } from './funnel';
import { overview } from './overview';
import { red } from './red';
import { timeline } from './timeline';
import type { View } from './view';
import { vitals } from './vitals';

export const views: Record<ViewName, View> = { overview, funnel, anomalies, errors, timeline, vitals, red, alerts };
