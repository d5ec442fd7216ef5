// A spoken conversation on /v1/assistant/voice: the microphone as 16 kHz 16-bit mono
// PCM up, the assistant's 24 kHz PCM down, played back to back; on barge-in
// ("interrupted") what is queued for playing is dropped.
import { socketUrl } from './api';

export interface VoiceLine { who: 'you' | 'assistant'; text: string }

export class VoiceCall {
  private socket: WebSocket;
  private mic: MediaStream | null = null;
  private input: AudioContext | null = null;
  private output = new AudioContext({ sampleRate: 24_000 });
  private playAt = 0;
  private playing: AudioBufferSourceNode[] = [];

  constructor(private readonly onLine: (line: VoiceLine) => void,
              private readonly onEnd: (why: string) => void) {
    this.socket = new WebSocket(socketUrl('/v1/assistant/voice'));
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => this.socket.send(JSON.stringify({ type: 'start' }));
    this.socket.onmessage = (m) => this.receive(m.data);
    this.socket.onclose = (e) => { this.release(); this.onEnd(e.reason || 'The conversation ended.'); };
  }

  private async listen() {
    this.mic = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
    this.input = new AudioContext({ sampleRate: 16_000 });
    const source = this.input.createMediaStreamSource(this.mic);
    // ScriptProcessor: no worklet module to ship, and 4096 samples (256 ms) a message is
    // what the server wants anyway.
    const node = this.input.createScriptProcessor(4096, 1, 1);
    node.onaudioprocess = (e) => {
      if (this.socket.readyState !== WebSocket.OPEN) return;
      const samples = e.inputBuffer.getChannelData(0);
      const pcm = new Int16Array(samples.length);
      for (let i = 0; i < samples.length; i++) pcm[i] = Math.max(-1, Math.min(1, samples[i])) * 0x7fff;
      this.socket.send(pcm.buffer);
    };
    source.connect(node);
    node.connect(this.input.destination);
  }

  private receive(data: unknown) {
    if (data instanceof ArrayBuffer) { this.play(new Int16Array(data)); return; }
    const m = JSON.parse(String(data));
    if (m.type === 'ready') this.listen().catch((e) => this.hangUp(`The microphone is not available: ${e.message}`));
    else if (m.type === 'transcript') this.onLine({ who: 'you', text: m.text });
    else if (m.type === 'text' && m.final) this.onLine({ who: 'assistant', text: m.text });
    else if (m.type === 'interrupted') this.silence();
    else if (m.type === 'error') this.onEnd(m.error?.message ?? 'The assistant failed.');
  }

  private play(pcm: Int16Array) {
    const buffer = this.output.createBuffer(1, pcm.length, 24_000);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 0x8000;
    const node = this.output.createBufferSource();
    node.buffer = buffer;
    node.connect(this.output.destination);
    this.playAt = Math.max(this.playAt, this.output.currentTime);
    node.start(this.playAt);
    this.playAt += buffer.duration;
    this.playing.push(node);
    node.onended = () => { this.playing = this.playing.filter((n) => n !== node); };
  }

  private silence() {
    for (const n of this.playing) n.stop();
    this.playing = [];
    this.playAt = 0;
  }

  // The user is done: the assistant finishes, then the server closes.
  end() {
    this.mic?.getTracks().forEach((t) => t.stop());
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'end' }));
  }

  hangUp(why: string) {
    this.socket.close(1000, why.slice(0, 120));
    this.release();
  }

  private release() {
    this.mic?.getTracks().forEach((t) => t.stop());
    this.input?.close().catch(() => {});
    this.silence();
  }
}
