// The Custom Labels of the panel (force-app/main/default/labels/CustomLabels.labels-meta.xml),
// so an admin translates every text a rep sees with Translation Workbench.
export { formatLabel } from 'c/opencxUtils';
import TITLE from '@salesforce/label/c.OpenCX_Panel_Title';
import REFRESH from '@salesforce/label/c.OpenCX_Panel_Refresh';
import REFRESH_ALT from '@salesforce/label/c.OpenCX_Panel_Refresh_Alt';
import LOADING from '@salesforce/label/c.OpenCX_Panel_Loading';
import REFRESHING from '@salesforce/label/c.OpenCX_Panel_Refreshing';
import RETRY from '@salesforce/label/c.OpenCX_Panel_Retry';
import ERROR_GENERIC from '@salesforce/label/c.OpenCX_Panel_Error_Generic';
import UNREADABLE_ANSWER from '@salesforce/label/c.OpenCX_Panel_Unreadable_Answer';
import NO_SESSION from '@salesforce/label/c.OpenCX_Panel_No_Session';
import NOT_CONFIGURED from '@salesforce/label/c.OpenCX_Panel_Not_Configured';
import SESSION_REGION from '@salesforce/label/c.OpenCX_Panel_Session_Region';
import TRACE_KEY from '@salesforce/label/c.OpenCX_Panel_Trace_Key';
import COPY_TRACE_KEY from '@salesforce/label/c.OpenCX_Panel_Copy_Trace_Key';
import COPIED from '@salesforce/label/c.OpenCX_Panel_Copied';
import COPY_FAILED from '@salesforce/label/c.OpenCX_Panel_Copy_Failed';
import OPEN_IN_OPENCX from '@salesforce/label/c.OpenCX_Panel_Open_In_OpenCX';
import OPENS_NEW_TAB from '@salesforce/label/c.OpenCX_Panel_Opens_New_Tab';
import VISITOR_VERIFIED from '@salesforce/label/c.OpenCX_Panel_Visitor_Verified';
import VISITOR_ANONYMOUS from '@salesforce/label/c.OpenCX_Panel_Visitor_Anonymous';
import VISITOR_OTHER from '@salesforce/label/c.OpenCX_Panel_Visitor_Other';
import SENTIMENT from '@salesforce/label/c.OpenCX_Panel_Sentiment';
import SENTIMENT_ANGRY from '@salesforce/label/c.OpenCX_Panel_Sentiment_Angry';
import SENTIMENT_NEUTRAL from '@salesforce/label/c.OpenCX_Panel_Sentiment_Neutral';
import SENTIMENT_HAPPY from '@salesforce/label/c.OpenCX_Panel_Sentiment_Happy';
import CHANNEL from '@salesforce/label/c.OpenCX_Panel_Channel';
import LANGUAGE from '@salesforce/label/c.OpenCX_Panel_Language';
import STATUS from '@salesforce/label/c.OpenCX_Panel_Status';
import PRIORITY from '@salesforce/label/c.OpenCX_Panel_Priority';
import CONTACT from '@salesforce/label/c.OpenCX_Panel_Contact';
import LANGUAGE_VALUE from '@salesforce/label/c.OpenCX_Panel_Language_Value';
import CHANNEL_WEB from '@salesforce/label/c.OpenCX_Panel_Channel_Web';
import CHANNEL_WEB_VOICE from '@salesforce/label/c.OpenCX_Panel_Channel_Web_Voice';
import CHANNEL_PHONE from '@salesforce/label/c.OpenCX_Panel_Channel_Phone';
import CHANNEL_EMAIL from '@salesforce/label/c.OpenCX_Panel_Channel_Email';
import CHANNEL_SMS from '@salesforce/label/c.OpenCX_Panel_Channel_SMS';
import CHANNEL_WHATSAPP from '@salesforce/label/c.OpenCX_Panel_Channel_WhatsApp';
import CHANNEL_API from '@salesforce/label/c.OpenCX_Panel_Channel_API';
import STATUS_OPEN from '@salesforce/label/c.OpenCX_Panel_Status_Open';
import STATUS_CLOSED_RESOLVED from '@salesforce/label/c.OpenCX_Panel_Status_Closed_Resolved';
import STATUS_CLOSED_UNRESOLVED from '@salesforce/label/c.OpenCX_Panel_Status_Closed_Unresolved';
import HANDOFF_SUMMARY from '@salesforce/label/c.OpenCX_Panel_Handoff_Summary';
import NO_SUMMARY from '@salesforce/label/c.OpenCX_Panel_No_Summary';
import TRANSCRIPT from '@salesforce/label/c.OpenCX_Panel_Transcript';
import ENTRY_COUNT_ONE from '@salesforce/label/c.OpenCX_Panel_Entry_Count_One';
import ENTRY_COUNT from '@salesforce/label/c.OpenCX_Panel_Entry_Count';
import TRUNCATED from '@salesforce/label/c.OpenCX_Panel_Truncated';
import JUMP_GROUP from '@salesforce/label/c.OpenCX_Panel_Jump_Group';
import JUMP_START from '@salesforce/label/c.OpenCX_Panel_Jump_Start';
import JUMP_HANDOFF from '@salesforce/label/c.OpenCX_Panel_Jump_Handoff';
import JUMP_END from '@salesforce/label/c.OpenCX_Panel_Jump_End';

/** Every text of the panel, by what it is for. */
export const LABELS = {
    title: TITLE,
    refresh: REFRESH,
    refreshAlt: REFRESH_ALT,
    loading: LOADING,
    refreshing: REFRESHING,
    retry: RETRY,
    errorGeneric: ERROR_GENERIC,
    unreadableAnswer: UNREADABLE_ANSWER,
    noSession: NO_SESSION,
    notConfigured: NOT_CONFIGURED,
    sessionRegion: SESSION_REGION,
    traceKey: TRACE_KEY,
    copyTraceKey: COPY_TRACE_KEY,
    copied: COPIED,
    copyFailed: COPY_FAILED,
    openInOpenCX: OPEN_IN_OPENCX,
    opensNewTab: OPENS_NEW_TAB,
    visitorVerified: VISITOR_VERIFIED,
    visitorAnonymous: VISITOR_ANONYMOUS,
    visitorOther: VISITOR_OTHER,
    sentiment: SENTIMENT,
    sentimentAngry: SENTIMENT_ANGRY,
    sentimentNeutral: SENTIMENT_NEUTRAL,
    sentimentHappy: SENTIMENT_HAPPY,
    channel: CHANNEL,
    language: LANGUAGE,
    status: STATUS,
    priority: PRIORITY,
    contact: CONTACT,
    languageValue: LANGUAGE_VALUE,
    channelWeb: CHANNEL_WEB,
    channelWebVoice: CHANNEL_WEB_VOICE,
    channelPhone: CHANNEL_PHONE,
    channelEmail: CHANNEL_EMAIL,
    channelSms: CHANNEL_SMS,
    channelWhatsApp: CHANNEL_WHATSAPP,
    channelApi: CHANNEL_API,
    statusOpen: STATUS_OPEN,
    statusClosedResolved: STATUS_CLOSED_RESOLVED,
    statusClosedUnresolved: STATUS_CLOSED_UNRESOLVED,
    handoffSummary: HANDOFF_SUMMARY,
    noSummary: NO_SUMMARY,
    transcript: TRANSCRIPT,
    entryCountOne: ENTRY_COUNT_ONE,
    entryCount: ENTRY_COUNT,
    truncated: TRUNCATED,
    jumpGroup: JUMP_GROUP,
    jumpStart: JUMP_START,
    jumpHandoff: JUMP_HANDOFF,
    jumpEnd: JUMP_END
} as const;

/** A label around one value, split so the value can be isolated (`<bdi>`) in the template. */
export interface LabelParts {
    before: string;
    value: string;
    after: string;
}

/** Splits `Visitor: {0}` into the text before and after the value (no placeholder: value last). */
export function labelParts(template: string, value: string): LabelParts {
    const at = template.indexOf('{0}');
    if (at < 0) return { before: template, value, after: '' };
    return { before: template.slice(0, at), value, after: template.slice(at + 3) };
}
