/** Left out of the jar on purpose. */
public class Missing {
}
