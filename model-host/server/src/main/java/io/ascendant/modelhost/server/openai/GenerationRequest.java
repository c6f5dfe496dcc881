package io.ascendant.modelhost.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.ascendant.engine.sampling.SamplingParams;
import java.util.List;

/**
 * A validated chat or text completion request, ready for the scheduler.
 *
 * @param chat chat completion (else legacy completion)
 * @param promptIds the encoded prompt
 * @param thinking chat in thinking mode (the answer starts with reasoning)
 * @param params sampling parameters (EOS among the stop ids unless {@code ignore_eos})
 * @param stream SSE answer
 * @param includeUsage streams end with a usage chunk ({@code stream_options.include_usage})
 * @param logprobs report the chosen tokens' log-probabilities
 * @param echo legacy completions: prepend the prompt to the text
 * @param tools whether tools were offered (chat)
 * @param prompt the legacy completion prompt text (for {@code echo}); null for chat
 * @param skipSpecialTokens leave tokens marked {@code special} in tokenizer.json out of the text (vLLM's {@code
 *     skip_special_tokens}, default true); they still count as completion tokens
 * @param toolList the tool definitions rendered into the prompt (chat)
 * @param assistantPrefill chat: the start of the answer the prompt already wrote (the tool-call block's opening when
 *     {@code tool_choice} forces a call), fed to the output parser before the generated text; empty otherwise
 */
public record GenerationRequest(
        boolean chat,
        String model,
        int[] promptIds,
        boolean thinking,
        SamplingParams params,
        boolean stream,
        boolean includeUsage,
        boolean logprobs,
        boolean echo,
        boolean tools,
        String prompt,
        List<JsonNode> toolList,
        boolean skipSpecialTokens,
        String assistantPrefill) {}
